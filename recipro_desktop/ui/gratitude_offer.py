"""The gentle nudge after logging help received: "Thank Ana for the referral?"

Three answers, each stored at once:

- **Mark thanked** — the act gets today's date as *thanked on* (and the optional "how": a note, a coffee);
- **Remind me tomorrow** — a :class:`Reminder` due tomorrow at 09:00 local time, linked to the first person;
- **Not needed** — the act is marked *no thanks needed* (a colleague doing their job, family).

Esc (or closing) answers nothing: the act simply shows up among the thank-yous owed after the configured days.
The offer is shown with :meth:`QDialog.open` (window-modal, not blocking), so the caller's code carries on;
:attr:`GratitudeOffer.answered` says what was chosen once it is stored. The window title holds no name (G10);
the question inside is plain text (G4).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from recipro_desktop.core.clock import Clock, SystemClock
from recipro_desktop.core.models import Act, ItemKind, Reminder
from recipro_desktop.core.text import first_name
from recipro_desktop.core.validation import SUMMARY_MAX
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.item_labels import ACT_NOUNS
from recipro_desktop.ui.journal_client import JournalClient, user_message

log = logging.getLogger(__name__)

REMIND_AT = time(9, 0)
"""When "Remind me tomorrow" is due (local time)."""


def names_phrase(names: Sequence[str]) -> str:
    """``Ana``, ``Ana and Bo``, ``Ana, Bo and Cleo`` from display names (first names only)."""
    firsts = [first_name(n) or n for n in names if n.strip()] or ["them"]
    if len(firsts) == 1:
        return firsts[0]
    return ", ".join(firsts[:-1]) + " and " + firsts[-1]


def question(act: Act, names: Sequence[str]) -> str:
    """``Thank Ana for the referral?``"""
    return f"Thank {names_phrase(names)} for {ACT_NOUNS[act.kind]}?"


def tomorrow_morning(clock: Clock) -> datetime:
    """Tomorrow at :data:`REMIND_AT` in the local time zone, as a UTC instant."""
    local = datetime.combine(clock.today() + timedelta(days=1), REMIND_AT).astimezone()
    return local.astimezone(UTC)


class GratitudeOffer(QDialog):
    """Offer to thank the people of a received act (see the module docstring).

    Signals:
        answered(str): ``"thanked"``, ``"remind"`` or ``"not_needed"``, after the answer was stored.
    """

    answered = Signal(str)

    THANKED = "thanked"
    REMIND = "remind"
    NOT_NEEDED = "not_needed"

    def __init__(
        self,
        client: JournalClient,
        act: Act,
        names: Sequence[str],
        parent: QWidget | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(parent)
        self._client = client
        self._act = act
        self._names = tuple(names)
        self._clock: Clock = clock or SystemClock()
        self._busy = False
        self.setWindowTitle("Say thank you")
        self.setWindowIcon(icon("nav-gratitude"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, parent is not None)
        self.setMinimumWidth(440)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        head = QHBoxLayout()
        badge = QLabel(self)
        badge.setPixmap(icon("nav-gratitude").pixmap(32, 32))
        badge.setAlignment(Qt.AlignmentFlag.AlignTop)
        head.addWidget(badge)
        texts = QVBoxLayout()
        self.question_label = QLabel(question(act, self._names), self)
        self.question_label.setObjectName("questionLabel")
        self.question_label.setTextFormat(Qt.TextFormat.PlainText)
        self.question_label.setWordWrap(True)
        font = self.question_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.question_label.setFont(font)
        texts.addWidget(self.question_label)
        self.summary_label = QLabel(act.summary, self)
        self.summary_label.setObjectName("summaryLabel")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        self.summary_label.setProperty("role", "muted")
        texts.addWidget(self.summary_label)
        head.addLayout(texts, 1)
        layout.addLayout(head)

        self.how_edit = QLineEdit(self)
        self.how_edit.setObjectName("howEdit")
        self.how_edit.setPlaceholderText("How, if you like: a note, a coffee, in person…")
        self.how_edit.setAccessibleName("How you thanked them")
        self.how_edit.setMaxLength(SUMMARY_MAX)
        layout.addWidget(self.how_edit)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setProperty("role", "error")
        self.error_label.hide()
        layout.addWidget(self.error_label)

        buttons = QDialogButtonBox(self)
        self.thanked_button = self._button(buttons, "&Mark thanked", QDialogButtonBox.ButtonRole.AcceptRole)
        self.remind_button = self._button(buttons, "Remind me &tomorrow", QDialogButtonBox.ButtonRole.ActionRole)
        self.not_needed_button = self._button(buttons, "&Not needed", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.thanked_button.setDefault(True)
        self.thanked_button.clicked.connect(self.mark_thanked)
        self.remind_button.clicked.connect(self.remind_tomorrow)
        self.not_needed_button.clicked.connect(self.not_needed)
        layout.addWidget(buttons)
        self.how_edit.setFocus()

    @staticmethod
    def _button(box: QDialogButtonBox, text: str, role: QDialogButtonBox.ButtonRole) -> QPushButton:
        button = box.addButton(text, role)
        assert button is not None
        button.setAccessibleName(text.replace("&", ""))
        return button

    @property
    def act(self) -> Act:
        return self._act

    def accept(self) -> None:
        """Enter: the default answer, mark thanked."""
        self.mark_thanked()

    def mark_thanked(self) -> None:
        act = dataclasses.replace(self._act, thanked_on=self._clock.today(), thanked_how=self.how_edit.text().strip())
        self._store(lambda s: s.update_act(act), self.THANKED, {ItemKind.ACT})

    def remind_tomorrow(self) -> None:
        reminder = Reminder(
            text=question(self._act, self._names).rstrip("?"),
            due_at=tomorrow_morning(self._clock),
            person_id=self._act.people[0] if self._act.people else None,
        )
        self._store(lambda s: s.add_reminder(reminder), self.REMIND, {ItemKind.REMINDER})

    def not_needed(self) -> None:
        act = dataclasses.replace(self._act, thanks_not_needed=True)
        self._store(lambda s: s.update_act(act), self.NOT_NEEDED, {ItemKind.ACT})

    def _store(self, fn: Callable[[JournalService], object], answer: str, changes: set[ItemKind]) -> None:
        if self._busy:
            return
        self._busy = True
        for b in (self.thanked_button, self.remind_button, self.not_needed_button):
            b.setEnabled(False)

        def done(_result: object) -> None:
            log.debug("gratitude offer answered: %s", answer)
            self._busy = False
            self.answered.emit(answer)
            super(GratitudeOffer, self).accept()

        def failed(exc: BaseException) -> None:
            self._busy = False
            for b in (self.thanked_button, self.remind_button, self.not_needed_button):
                b.setEnabled(True)
            self.error_label.setText(user_message(exc))
            self.error_label.show()

        self._client.mutate(fn, done, changes=changes, name=f"gratitude-{answer}", on_error=failed)


def offer_for(
    client: JournalClient,
    act: Act,
    names: Sequence[str],
    parent: QWidget | None,
    *,
    clock: Clock | None = None,
) -> GratitudeOffer:
    """Create and :meth:`~QDialog.open` the offer for a received ``act``; returns it (for tests and callers)."""
    offer = GratitudeOffer(client, act, names, parent, clock=clock)
    offer.open()
    return offer
