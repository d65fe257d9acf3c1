"""Edit the gratitude and reflection questions Today asks, one question per line.

The lists are domain settings (``gratitude_prompts``, ``reflection_prompts`` in :mod:`core.settings`), read and
written through the journal service in the background; they are checked with the settings registry's own
rules (at most 50 questions of at most 500 characters each; blank lines ignored) before anything is stored.
"Restore defaults" only fills the boxes: nothing changes until Save.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QWidget

from recipro_desktop.core import settings
from recipro_desktop.core.errors import ValidationError
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.forms.ui_prompts_dialog import Ui_PromptsDialog
from recipro_desktop.ui.journal_client import JournalClient, user_message

log = logging.getLogger(__name__)

KEYS = ("gratitude_prompts", "reflection_prompts")


class PromptsDialog(QDialog):
    """The prompt-list editor: ``PromptsDialog(client, parent).exec()`` returns Accepted once saved."""

    def __init__(self, client: JournalClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._saving = False
        self._loaded = False
        self.ui = Ui_PromptsDialog()
        self.ui.setupUi(self)  # type: ignore[no-untyped-call]
        self._edits: dict[str, QPlainTextEdit] = {
            "gratitude_prompts": self.ui.gratitudeEdit,
            "reflection_prompts": self.ui.reflectionEdit,
        }
        save = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None
        self._save_button = save
        save.setEnabled(False)  # until the current lists are loaded
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.restoreButton.clicked.connect(self.restore_defaults)
        client.query(
            lambda s: {key: s.get_setting(key) for key in KEYS}, self._show, name="prompts-load", on_error=self._error
        )

    @property
    def loaded(self) -> bool:
        return self._loaded

    def _show(self, values: dict[str, object]) -> None:
        for key, value in values.items():
            lines = value if isinstance(value, list | tuple) else ()
            self._edits[key].setPlainText("\n".join(str(v) for v in lines))
        self._loaded = True
        self._save_button.setEnabled(True)

    def restore_defaults(self) -> None:
        for key, edit in self._edits.items():
            default = settings.default(key)
            edit.setPlainText("\n".join(default) if isinstance(default, tuple) else "")

    def prompts(self, key: str) -> tuple[str, ...]:
        """The questions in the box for ``key``, as they would be stored; :class:`ValidationError` if invalid."""
        value = settings.coerce(key, self._edits[key].toPlainText())
        assert isinstance(value, tuple)
        return value

    def accept(self) -> None:
        if self._saving or not self._loaded:
            return
        self.ui.generalError.hide()
        try:
            values = {key: self.prompts(key) for key in KEYS}
        except ValidationError as exc:
            self.ui.tabWidget.setCurrentIndex(KEYS.index(exc.field) if exc.field in KEYS else 0)
            self._error(exc)
            return

        def save(s: JournalService) -> None:
            for key, value in values.items():
                s.set_setting(key, list(value))

        self._saving = True
        self._save_button.setEnabled(False)
        self._client.mutate(save, self._saved, changes=(), name="prompts-save", on_error=self._error)

    def _saved(self, _result: object) -> None:
        self._saving = False
        log.debug("prompt lists saved")
        super().accept()

    def _error(self, exc: BaseException) -> None:
        self._saving = False
        self._save_button.setEnabled(self._loaded)
        self.ui.generalError.setText(user_message(exc))
        self.ui.generalError.show()
