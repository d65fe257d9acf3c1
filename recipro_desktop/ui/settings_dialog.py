"""The Settings dialog: reminders and notifications, and where the journal and its key live.

Changes are stored as they are made (each page writes through the journal client), so the dialog has only a
Close button. The window passes ``settings_changed`` on to the reminder scheduler.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from recipro_desktop.paths import JournalPaths
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.reminder_settings_page import ReminderSettingsPage


class SettingsDialog(QDialog):
    """Settings, one tab per topic.

    Signals:
        settings_changed(str): a setting (its key) was stored.
    """

    settings_changed = Signal(str)

    def __init__(
        self, client: JournalClient, parent: QWidget | None = None, *, paths: JournalPaths | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("settingsTabs")
        self.reminders = ReminderSettingsPage(client, self)
        self.reminders.settings_changed.connect(self.settings_changed)
        self.tabs.addTab(self.reminders, "Reminders")
        self.tabs.addTab(self._security_page(paths), "Security")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(620, 560)

    def _security_page(self, paths: JournalPaths | None) -> QWidget:
        from recipro_desktop.storage import vault

        page = QWidget(self)
        form = QFormLayout(page)
        status = vault.keyring_status()
        rows = [
            ("Journal folder", str(paths.data_dir) if paths else "—"),
            ("Key storage", f"{status.backend}: {status.detail}"),
        ]
        if paths is not None:
            rows += [("Key slots", "\n".join(vault.slot_summary(paths)))]
        for label, value in rows:
            text = QLabel(value)
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, text)
        note = QLabel(
            "Your journal is encrypted with a random key. The key is kept wrapped: in the system keyring (if one "
            "works here) and under your passphrase or recovery key. Exports are not encrypted."
        )
        note.setWordWrap(True)
        note.setProperty("role", "muted")
        form.addRow(note)
        return page
