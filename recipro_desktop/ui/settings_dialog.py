"""The Settings dialog: reminders and notifications, and where the journal and its key live.

Changes are stored as they are made (each page writes through the journal client), so the dialog has only a
Close button. The window passes ``settings_changed`` on to the reminder scheduler.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

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
        self._client = client
        self._skills: list[str] = []
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("settingsTabs")
        self.reminders = ReminderSettingsPage(client, self)
        self.reminders.settings_changed.connect(self.settings_changed)
        self.tabs.addTab(self.reminders, "Reminders")
        self.tabs.addTab(self._you_page(), "You")
        self.tabs.addTab(self._security_page(paths), "Security")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(620, 560)

    def _you_page(self) -> QWidget:
        """What you can help others with: Today and the Needs board match it against open listening notes."""
        page = QWidget(self)
        form = QFormLayout(page)
        self.skills_edit = QLineEdit(page)
        self.skills_edit.setObjectName("skillsEdit")
        self.skills_edit.setAccessibleName("What you can help with")
        self.skills_edit.setPlaceholderText("e.g. hiring, pitch decks, Python, moving to Berlin")
        self.skills_edit.setEnabled(False)  # until the stored value arrived
        form.addRow("I can help with", self.skills_edit)
        hint = QLabel("Separate skills with commas. Needs that match them show up in Today and on the Needs board.")
        hint.setWordWrap(True)
        hint.setProperty("role", "muted")
        form.addRow(hint)
        self.skills_edit.editingFinished.connect(self._save_skills)
        self._client.query(lambda s: s.get_setting("my_skills"), self._show_skills, name="settings-skills")
        return page

    def _show_skills(self, value: object) -> None:
        self._skills = [str(s) for s in value] if isinstance(value, (list, tuple)) else []
        self.skills_edit.setText(", ".join(self._skills))
        self.skills_edit.setEnabled(True)

    def _save_skills(self) -> None:
        skills = [part.strip() for part in self.skills_edit.text().split(",") if part.strip()]
        if skills == self._skills:
            return
        self._skills = skills
        self._client.mutate(
            lambda s: s.set_setting("my_skills", skills), self._skills_saved, changes=(), name="settings-skills"
        )

    def _skills_saved(self, _result: object) -> None:
        self.settings_changed.emit("my_skills")

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
