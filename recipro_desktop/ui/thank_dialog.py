"""Record a thank-you for a received act — and, if wanted, write it first.

Two faces of one dialog (the Designer form ``ui/thank_dialog.ui``):

- **Mark thanked**: how (in person, message, email, gift, call — or anything typed) and when (today by default).
- **Draft a thank-you note**: the same, above a warm, editable draft that mentions what they did
  (:func:`recipro_desktop.services.boards.draft_thank_you`), with *Copy to clipboard*. Copying does not record
  anything; **Save** records the thanks (the user may copy, send, then save).

Saving stores ``update_act(replace(act, thanked_on=..., thanked_how=...))`` through ``client.mutate`` and closes
the dialog once it is stored. A validation error is shown under the fields (the field named by
:class:`ValidationError`), a concurrent edit (``ConflictError``) says so; the dialog stays open in both cases. The
dialog is opened with :meth:`QDialog.open` (window-modal, non-blocking): callers connect :attr:`thanks_saved`.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from recipro_desktop.core.clock import Clock, SystemClock
from recipro_desktop.core.errors import ConflictError, ValidationError
from recipro_desktop.core.models import Act, ItemKind
from recipro_desktop.services import boards
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.forms.ui_thank_dialog import Ui_ThankDialog
from recipro_desktop.ui.journal_client import JournalClient, user_message

log = logging.getLogger(__name__)

_KIND_NOUNS = {
    "favor": "the favour",
    "referral": "the referral",
    "introduction": "the introduction",
    "knowledge": "sharing what they know",
    "mentorship": "the mentoring",
    "collaboration": "the collaboration",
    "support": "the support",
    "gift": "the gift",
    "loan": "the loan",
    "other": "their help",
}


class ThankDialog(QDialog):
    """Mark a received act thanked (how/when), optionally drafting the note first.

    Args:
        client: the journal client (the save runs in the background).
        parent: the window to be modal over.
        act: the received act being thanked.
        names: the display names of the people it came from (for the greeting and the title).
        draft: True to show the thank-you draft with *Copy to clipboard*.
        clock: today's date for the default "when" and the draft's wording.

    Signals:
        thanks_saved(object): the act as stored, after a successful save (the dialog then closes).
    """

    thanks_saved = Signal(object)

    def __init__(
        self,
        client: JournalClient,
        parent: QWidget | None,
        act: Act,
        names: tuple[str, ...] = (),
        *,
        draft: bool = False,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_ThankDialog()
        self.ui.setupUi(self)  # type: ignore[no-untyped-call]
        self._client = client
        self._act = act
        self._saving = False
        today = (clock or SystemClock()).today()
        first_names = boards.greeting_names(names)
        who = boards.join_names(first_names) or "them"
        what = _KIND_NOUNS.get(act.kind.value, "their help")

        self.setWindowTitle("Draft a thank-you note" if draft else "Mark as thanked")  # no names in titles (G10)
        title_font = self.ui.titleLabel.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setBold(True)
        self.ui.titleLabel.setFont(title_font)
        self.ui.titleLabel.setText(f"Thank {who} for {what}")
        received = boards.age_words(act.occurred_on, today)
        self.ui.summaryLabel.setText(f"{act.summary} — {received}" if act.summary else received)

        self.ui.draftPanel.setVisible(draft)
        if draft:
            self.ui.draftEdit.setPlainText(boards.draft_thank_you(act, first_names, today=today))
        self.ui.copyButton.clicked.connect(self.copy_draft)
        self.ui.draftEdit.textChanged.connect(self.ui.copiedLabel.clear)

        for how in boards.THANKED_HOW_CHOICES:
            self.ui.howCombo.addItem(how)
        self.ui.howCombo.setCurrentText(act.thanked_how or ("message" if draft else "in person"))
        when = act.thanked_on or today
        self.ui.whenEdit.setDate(QDate(when.year, when.month, when.day))
        self.ui.whenEdit.setMaximumDate(QDate(today.year, today.month, today.day))
        self.ui.whenEdit.setMinimumDate(QDate(act.occurred_on.year, act.occurred_on.month, act.occurred_on.day))
        self.ui.errorLabel.setVisible(False)

        self.save_button = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Save as thanked")
        self.save_button.setDefault(not draft)
        self.save_button.setAutoDefault(not draft)
        self.ui.buttonBox.accepted.connect(self.save)
        self.ui.buttonBox.rejected.connect(self.reject)
        if draft:
            self.resize(560, 480)
            self.ui.draftEdit.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.resize(440, 200)
            self.ui.howCombo.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- the draft -----------------------------------------------------------------------------------------

    def draft_text(self) -> str:
        return self.ui.draftEdit.toPlainText()

    def copy_draft(self) -> None:
        """Put the (edited) draft on the clipboard, ready to paste into an email or a message."""
        QGuiApplication.clipboard().setText(self.draft_text())
        self.ui.copiedLabel.setText("Copied — paste it into your message, then save.")

    # --- saving --------------------------------------------------------------------------------------------

    def thanked_on(self) -> date:
        q = self.ui.whenEdit.date()
        return date(q.year(), q.month(), q.day())

    def thanked_how(self) -> str:
        return self.ui.howCombo.currentText().strip()

    def save(self) -> None:
        """Store the thanks in the background; the dialog closes when it is stored."""
        if self._saving:
            return
        how = self.thanked_how()
        if not how:
            self._show_error("howCombo", "Say how you thanked them (for example: in person, email).")
            return
        updated = replace(self._act, thanked_on=self.thanked_on(), thanked_how=how, thanks_not_needed=False)
        self._saving = True
        self.save_button.setEnabled(False)
        self.ui.errorLabel.setVisible(False)

        def store(service: JournalService) -> Act:
            return service.update_act(updated)

        self._client.mutate(store, self._on_saved, changes={ItemKind.ACT}, name="act-thanked", on_error=self._failed)

    def _on_saved(self, act: Act) -> None:
        self._saving = False
        log.info("act %s marked thanked", act.id)
        self.thanks_saved.emit(act)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            field = {"thanked_how": "howCombo", "thanked_on": "whenEdit"}.get(exc.field, "")
            self._show_error(field, str(exc))
        elif isinstance(exc, ConflictError):
            self._show_error("", "This act was changed elsewhere meanwhile. Close this and try again.")
        else:
            self._show_error("", user_message(exc))

    def _show_error(self, field: str, message: str) -> None:
        self.ui.errorLabel.setText(message)
        self.ui.errorLabel.setVisible(True)
        widget = getattr(self.ui, field, None) if field else None
        if isinstance(widget, QWidget):
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
