"""First run: create the encrypted journal, or open the demo journal instead.

Three pages (Designer form ``ui/setup_wizard.ui``):

1. **Welcome** — what Recipro is, where the journal will live, and where its key will be kept: a background
   probe of the system keyring says either "Your key will be kept in <backend>" or "No system keyring was found
   (<reason>): you will type your passphrase each time" (B1-B3). A network or cloud-synced folder gets a warning
   (A12). A link opens the demo journal instead.
2. **Protect** — a passphrase typed twice, with a strength hint, or a generated recovery key. *Next* creates the
   journal on a background worker (key slots first, then the database; the vault refuses to create anything
   over an existing journal) while a busy bar shows.
3. **Ready** — says how the journal will open from now on; with a recovery key, shows it once with Copy / Save to
   a file / Print and an "I have saved it" box that must be ticked before *Finish* (there is no way back: the
   key exists only on this screen).

Signals:
    journal_created(object): the open :class:`~recipro_desktop.services.access.OpenJournal` (after *Finish*);
        the receiver owns it.
    demo_requested(): the user chose the demo journal; the wizard has closed.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QFileDialog, QLineEdit, QWidget, QWizard

from recipro_desktop.core.clock import Clock, SystemClock
from recipro_desktop.paths import JournalPaths
from recipro_desktop.ui.error_reporter import private_message
from recipro_desktop.ui.forms.ui_setup_wizard import Ui_SetupWizard
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.task_runner import TaskRunner
from recipro_desktop.ui.unlock_dialog import drain, run_expecting_journal_errors

if TYPE_CHECKING:
    from recipro_desktop.services.access import CreatedJournal

log = logging.getLogger(__name__)

DEMO_RESULT = 2  # ``done()`` code when the user chose the demo journal
WELCOME, PROTECT, READY = 0, 1, 2


@dataclass(frozen=True)
class KeyringProbe:
    """What the welcome page says about the keyring and the folder (computed off the GUI thread)."""

    usable: bool
    backend: str
    detail: str
    network_folder: bool


def probe_job(paths: JournalPaths) -> KeyringProbe:
    from recipro_desktop.storage import fsutil, vault

    status = vault.keyring_status()
    try:
        network = fsutil.is_network_or_sync_fs(paths.data_dir)
    except OSError:
        network = False
    return KeyringProbe(status.usable, status.backend, status.detail, network)


def create_job(paths: JournalPaths, passphrase: str | None, clock: Clock) -> CreatedJournal:
    """Create the journal (on the worker); a passphrase too easy to guess is refused first, by the rule the CLI
    applies (I15: :mod:`core.passphrase_strength`), and the protect page shows why."""
    from recipro_desktop.core.passphrase_strength import context_words, login_name, require_strong
    from recipro_desktop.services.access import create_journal

    if passphrase is not None:
        require_strong(passphrase, context=context_words(paths.data_dir.name, login_name()))
    return create_journal(paths, passphrase=passphrase, use_keyring=True, clock=clock)


def passphrase_strength(text: str) -> tuple[int, str]:
    """A rough strength score 0-4 and a hint, from length and character variety (not a guarantee).

    The estimate is ``length × log2(alphabet)``: ~28 bits is a weak password, ~60 a decent passphrase,
    80+ strong. A sentence of four or five ordinary words scores well, which is the advice we give.
    """
    if not text:
        return 0, ""
    alphabet = 0
    if any(c.islower() for c in text):
        alphabet += 26
    if any(c.isupper() for c in text):
        alphabet += 26
    if any(c.isdigit() for c in text):
        alphabet += 10
    if any(not c.isalnum() for c in text):
        alphabet += 33
    if any(ord(c) > 127 for c in text):
        alphabet += 60
    distinct = len(set(text))
    bits = min(len(text), distinct * 2) * math.log2(max(alphabet, 2))
    if bits < 30:
        return 1, "Weak: easy to guess. A short sentence only you would write is stronger and easy to remember."
    if bits < 50:
        return 2, "Fair: add a few more words to make it strong."
    if bits < 75:
        return 3, "Good."
    return 4, "Strong."


class SetupWizard(QWizard):
    """The first-run wizard (see the module docstring)."""

    journal_created = Signal(object)
    demo_requested = Signal()

    def __init__(self, paths: JournalPaths, parent: QWidget | None = None, *, clock: Clock | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_SetupWizard()
        self.ui.setupUi(self)  # type: ignore[no-untyped-call]
        self.paths = paths
        self.clock = clock or SystemClock()
        self.probe: KeyringProbe | None = None
        self.created: CreatedJournal | None = None
        self._creating = False
        self._handed_over = False
        self._closing = False
        self._runner = TaskRunner(self, thread_name="recipro-setup")
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, icon("app").pixmap(QSize(48, 48), self.devicePixelRatioF()))
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Open my journal")
        ui = self.ui
        ui.folderLabel.setText(f"Your journal will be stored in {paths.data_dir}")
        ui.folderWarningLabel.setProperty("role", "warning")
        ui.folderWarningLabel.hide()
        ui.createErrorLabel.setProperty("role", "error")
        ui.createErrorLabel.hide()
        ui.busyWidget.hide()
        ui.strengthLabel.setProperty("role", "muted")
        ui.matchLabel.setProperty("role", "muted")
        ui.savedStatusLabel.setProperty("role", "muted")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(mono.pointSizeF() * 1.35)
        mono.setWeight(QFont.Weight.DemiBold)
        ui.recoveryKeyEdit.setFont(mono)
        ui.demoButton.clicked.connect(self._demo_clicked)
        ui.passphraseEdit.textChanged.connect(self._update_protect)
        ui.confirmEdit.textChanged.connect(self._update_protect)
        ui.passphraseRadio.toggled.connect(self._update_protect)
        ui.showCheckBox.toggled.connect(self._toggle_echo)
        ui.copyButton.clicked.connect(self.copy_recovery_key)
        ui.saveButton.clicked.connect(self.save_recovery_key)
        ui.printButton.clicked.connect(self.print_recovery_key)
        ui.savedCheckBox.toggled.connect(lambda _c: self._update_buttons())
        self.currentIdChanged.connect(self._page_changed)
        self._runner.run(
            lambda _t: probe_job(paths), on_done=self._show_probe, on_error=self._probe_failed, name="keyring-probe"
        )

    # --- welcome ----------------------------------------------------------------------------------------------

    def _show_probe(self, probe: KeyringProbe) -> None:
        self.probe = probe
        if probe.usable:
            text = (
                f"Your key will be kept in {probe.backend}, the system keyring, so Recipro opens without asking. "
                "You also choose a passphrase or get a recovery key, in case the keyring is ever lost."
            )
        else:
            reason = probe.detail.rstrip(".")
            text = (
                f"No system keyring was found ({reason}): you will type your passphrase each time Recipro starts. "
                "Your key is never stored unprotected."
            )
            self.ui.recoveryHintLabel.setText(
                "A random key of 30 letters and digits, shown once on the next page. Without a keyring you would "
                "type it at every start, so a passphrase is easier."
            )
        self.ui.keyLocationLabel.setText(text)
        if probe.network_folder:
            self.ui.folderWarningLabel.setText(
                "This folder is on a network or cloud-synced drive. Such drives can corrupt a database that is in "
                "use; a local folder is safer (set RECIPRO_DATA_DIR or use --data-dir)."
            )
            self.ui.folderWarningLabel.show()

    def _probe_failed(self, exc: BaseException) -> None:
        log.warning("keyring probe failed (%s)", type(exc).__name__)
        self._show_probe(KeyringProbe(False, "unknown", "the keyring could not be checked", False))

    def _demo_clicked(self) -> None:
        if self._creating:
            return
        log.info("setup: demo journal chosen")
        self.demo_requested.emit()
        self.done(DEMO_RESULT)

    # --- protect ----------------------------------------------------------------------------------------------

    def _toggle_echo(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.ui.passphraseEdit.setEchoMode(mode)
        self.ui.confirmEdit.setEchoMode(mode)

    def protect_ready(self) -> bool:
        """True when the protect page's choice is complete (a matching passphrase, or a recovery key)."""
        if self.ui.recoveryRadio.isChecked():
            return True
        first = self.ui.passphraseEdit.text()
        return bool(first.strip()) and first == self.ui.confirmEdit.text()

    def _update_protect(self) -> None:
        ui = self.ui
        use_passphrase = ui.passphraseRadio.isChecked()
        ui.passphraseFields.setEnabled(use_passphrase)
        first, second = ui.passphraseEdit.text(), ui.confirmEdit.text()
        score, hint = passphrase_strength(first)
        ui.strengthLabel.setText(hint)
        ui.strengthLabel.setProperty("role", "warning" if 0 < score < 3 else "muted")
        ui.strengthLabel.style().polish(ui.strengthLabel)
        if not second:
            ui.matchLabel.setText("")
        elif first == second:
            ui.matchLabel.setText("The passphrases match.")
            ui.matchLabel.setProperty("role", "muted")
        elif first.startswith(second):
            ui.matchLabel.setText("")
        else:
            ui.matchLabel.setText("The passphrases do not match yet.")
            ui.matchLabel.setProperty("role", "error")
        ui.matchLabel.style().polish(ui.matchLabel)
        ui.createErrorLabel.hide()
        self._update_buttons()

    def validateCurrentPage(self) -> bool:
        if self.currentId() != PROTECT:
            return True
        if self.created is not None:
            return True
        if self._creating or not self.protect_ready():
            return False
        self._start_create()
        return False  # the page advances when the journal exists (see _created)

    def _start_create(self) -> None:
        passphrase = self.ui.passphraseEdit.text() if self.ui.passphraseRadio.isChecked() else None
        self._creating = True
        self.ui.busyWidget.show()
        self.ui.createErrorLabel.hide()
        self.ui.protectPage.setEnabled(False)
        self._update_buttons()
        paths, clock = self.paths, self.clock
        run_expecting_journal_errors(
            self._runner, lambda: create_job(paths, passphrase, clock), self._created, self._create_failed, "create"
        )

    def _created(self, created: CreatedJournal) -> None:
        self._creating = False
        self.ui.busyWidget.hide()
        self.ui.protectPage.setEnabled(True)
        self.ui.passphraseEdit.clear()
        self.ui.confirmEdit.clear()
        if self._handed_over or self._closing:
            created.journal.close()  # the wizard was closed meanwhile; the journal is on disk and opens next time
            return
        self.created = created
        log.info("setup: journal created (keyring: %s)", "yes" if created.keyring_backend else "no")
        self._fill_ready_page(created)
        self.next()

    def _create_failed(self, exc: BaseException) -> None:
        self._creating = False
        self.ui.busyWidget.hide()
        self.ui.protectPage.setEnabled(True)
        self.ui.createErrorLabel.setText(private_message(exc))
        self.ui.createErrorLabel.show()
        self._update_buttons()

    # --- ready ------------------------------------------------------------------------------------------------

    def _fill_ready_page(self, created: CreatedJournal) -> None:
        ui = self.ui
        if created.keyring_backend:
            opening = (
                f"Your key is kept in {created.keyring_backend}: Recipro will open without asking. "
                "If the keyring is ever lost, your "
                + ("recovery key" if created.recovery_key else "passphrase")
                + " unlocks the journal."
            )
        else:
            opening = (
                "You will type your "
                + ("recovery key" if created.recovery_key else "passphrase")
                + " each time Recipro starts. It cannot be recovered if forgotten: nobody, not even us, can open "
                "the journal without it."
            )
        if created.recovery_key:
            ui.readyLabel.setText(
                "This is your recovery key. It is shown only this once. Save it, copy it into your password "
                f"manager or print it, and keep it away from this computer.\n\n{opening}"
            )
            ui.recoveryKeyEdit.setText(created.recovery_key)
            ui.recoveryWidget.show()
            ui.savedCheckBox.setChecked(False)
        else:
            ui.readyLabel.setText(opening)
            ui.recoveryWidget.hide()

    @property
    def recovery_key(self) -> str | None:
        return self.created.recovery_key if self.created is not None else None

    def copy_recovery_key(self) -> None:
        key = self.recovery_key
        if not key:
            return
        data = QMimeData()
        data.setText(key)
        data.setData("x-kde-passwordManagerHint", b"secret")  # clipboard managers do not keep it (G5)
        QGuiApplication.clipboard().setMimeData(data)
        self.ui.savedStatusLabel.setText("Copied. Paste it into your password manager, then clear the clipboard.")

    def save_recovery_key(self) -> None:
        key = self.recovery_key
        if not key:
            return
        suggested = str(Path.home() / "Recipro recovery key.txt")
        name, _filter = QFileDialog.getSaveFileName(self, "Save the recovery key", suggested, "Text files (*.txt)")
        if not name:
            return
        from recipro_desktop.storage import fsutil

        text = (
            "Recipro recovery key\n\n"
            f"    {key}\n\n"
            f"It unlocks the journal in {self.paths.data_dir}.\n"
            "Keep this file somewhere safe and away from that computer.\n"
        )
        try:
            fsutil.atomic_write_bytes(Path(name), text.encode("utf-8"), 0o600)
        except OSError as exc:
            self.ui.savedStatusLabel.setText(f"Could not save it there ({exc.strerror or type(exc).__name__}).")
            return
        log.info("setup: recovery key saved to a file")
        self.ui.savedStatusLabel.setText(f"Saved to {name}. Move it off this computer (a USB stick, a safe place).")

    def print_recovery_key(self) -> None:
        key = self.recovery_key
        if not key:
            return
        from PySide6.QtGui import QTextDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        document = QTextDocument()
        document.setPlainText(f"Recipro recovery key\n\n{key}\n\nIt unlocks the journal in {self.paths.data_dir}.")
        document.print_(printer)
        self.ui.savedStatusLabel.setText("Sent to the printer.")

    # --- buttons and closing ----------------------------------------------------------------------------------

    def _page_changed(self, page_id: int) -> None:
        if page_id == PROTECT:
            self._update_protect()
            if self.ui.passphraseRadio.isChecked():
                self.ui.passphraseEdit.setFocus()
        QTimer.singleShot(0, self, self._update_buttons)  # after QWizard's own button update for the new page

    def _update_buttons(self) -> None:
        page = self.currentId()
        if page == PROTECT:
            self.button(QWizard.WizardButton.NextButton).setEnabled(self.protect_ready() and not self._creating)
            self.button(QWizard.WizardButton.BackButton).setEnabled(not self._creating)
        elif page == READY:
            confirmed = self.recovery_key is None or self.ui.savedCheckBox.isChecked()
            self.button(QWizard.WizardButton.FinishButton).setEnabled(confirmed)

    def accept(self) -> None:
        if self.created is None or (self.recovery_key and not self.ui.savedCheckBox.isChecked()):
            return
        self._hand_over()
        super().accept()

    def reject(self) -> None:
        if self._creating:
            return  # the journal is being written: wait for it (a few hundred milliseconds)
        if self.created is not None:
            if self.recovery_key and not self.ui.savedCheckBox.isChecked():
                self.ui.savedStatusLabel.setText(
                    "Save your recovery key first: it is shown only here, and without it a lost keyring means a "
                    "lost journal. Then tick the box."
                )
                return
            self.accept()
            return
        super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.created is not None:
            self.reject()  # our reject() decides; QWizard would otherwise close through done()
            return
        super().keyPressEvent(event)

    def _hand_over(self) -> None:
        if self._handed_over or self.created is None:
            return
        self._handed_over = True
        created = self.created
        self.ui.recoveryKeyEdit.clear()
        self.journal_created.emit(created.journal)

    def shutdown(self) -> None:
        """Let a running job finish (a journal created after closing is closed again), then stop the worker."""
        self._closing = True
        drain(self._runner)
        self._runner.shutdown(timeout=30)
        if self.created is not None and not self._handed_over:
            self.created.journal.close()
