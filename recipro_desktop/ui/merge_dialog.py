"""Merge two duplicates: both people side by side, the user picks the one to keep.

``JournalService.merge_people(keep_id, other_id)`` moves every act, listening note, promise, interaction,
note and reminder of the other person to the kept one, unions emails/phones/links/tags, fills the kept
person's empty fields and deletes the other. The dialog shows enough of both (contact details and how much
history each has) to choose well, defaults to the one with more history, and says plainly what will happen.

Built in code rather than Designer: its body is a comparison grid generated from the two people.
"""

from __future__ import annotations

import logging
from datetime import date
from uuid import UUID

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from recipro_desktop.core.models import ItemKind, Person
from recipro_desktop.core.summaries import PersonSummary
from recipro_desktop.ui.journal_client import JournalClient, user_message
from recipro_desktop.ui.person_text import ago, birthday_phrase, human_date, join_list

log = logging.getLogger(__name__)

ALL_CHANGES = frozenset(ItemKind)


def _plain_label(text: str, parent: QWidget, *, muted: bool = False) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    if muted:
        label.setProperty("role", "muted")
    return label


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _mnemonic_safe(text: str) -> str:
    """Button text shows ``&`` literally instead of making it a shortcut marker."""
    return text.replace("&", "&&")


class MergeDialog(QDialog):
    """Choose which of two people to keep, then merge the other into it.

    Signals:
        merged(object): the kept :class:`Person` as stored after the merge.
    """

    merged = Signal(object)

    ROWS = (
        ("Organisation", "organisation"),
        ("Role", "role"),
        ("Emails", "emails"),
        ("Phones", "phones"),
        ("Tags", "tags"),
        ("Location", "location"),
        ("How you met", "how_met"),
        ("Birthday", "birthday"),
        ("Last in touch", "last"),
        ("History", "history"),
        ("Added", "created"),
    )

    def __init__(self, client: JournalClient, first_id: UUID, second_id: UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._ids = (first_id, second_id)
        self._summaries: tuple[PersonSummary, PersonSummary] | None = None
        self._merging = False
        self.setWindowTitle("Merge duplicates")
        self.setMinimumWidth(620)

        layout = QVBoxLayout(self)
        intro = _plain_label(
            "Choose the entry to keep. Everything linked to the other one — acts, listening notes, promises, "
            "notes and reminders — moves to it; emails, phones, links and tags are combined, and its empty "
            "fields are filled in from the other. The other entry is then removed. This can't be undone.",
            self,
        )
        layout.addWidget(intro)
        frame = QFrame(self)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        self._grid = QGridLayout(frame)
        self._grid.setHorizontalSpacing(18)
        self._grid.setVerticalSpacing(6)
        self._grid.setColumnStretch(1, 1)
        self._grid.setColumnStretch(2, 1)
        layout.addWidget(frame, 1)
        self._group = QButtonGroup(self)
        self._keep_buttons: list[QRadioButton] = []
        for column in (1, 2):
            button = QRadioButton("Loading…", frame)
            button.setEnabled(False)
            bold = QFont(button.font())
            bold.setBold(True)
            button.setFont(bold)
            self._group.addButton(button, column - 1)
            self._keep_buttons.append(button)
            self._grid.addWidget(button, 0, column)
        keep_label = _plain_label("Keep", frame, muted=True)
        self._grid.addWidget(keep_label, 0, 0)
        self._value_labels: dict[tuple[str, int], QLabel] = {}
        for row, (title, key) in enumerate(self.ROWS, start=1):
            self._grid.addWidget(_plain_label(title, frame, muted=True), row, 0)
            for column in (1, 2):
                label = _plain_label("", frame)
                self._value_labels[(key, column - 1)] = label
                self._grid.addWidget(label, row, column)
        self._error = _plain_label("", self)
        self._error.setProperty("role", "error")
        self._error.hide()
        layout.addWidget(self._error)
        self._buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self._merge_button = self._buttons.addButton("&Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self._merge_button.setEnabled(False)
        self._merge_button.setDefault(True)
        self._buttons.accepted.connect(self.merge)
        self._buttons.rejected.connect(self.reject)
        layout.addWidget(self._buttons)
        first, second = self._ids
        client.query(
            lambda s: (s.person_summary(first), s.person_summary(second)),
            self._loaded,
            name="merge preview",
            on_error=self._failed,
        )

    # --- public -----------------------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._summaries is not None

    def keep_button(self, n: int) -> QRadioButton:
        """The "keep" radio button of the first (0) or second (1) person."""
        return self._keep_buttons[n]

    def value_text(self, key: str, n: int) -> str:
        return self._value_labels[(key, n)].text()

    def keep_id(self) -> UUID | None:
        checked = self._group.checkedId()
        return self._ids[checked] if checked in (0, 1) else None

    def merge(self) -> None:
        """Merge the unchosen person into the chosen one, in the background; close when stored."""
        keep = self.keep_id()
        if keep is None or self._merging:
            return
        other = self._ids[1] if keep == self._ids[0] else self._ids[0]
        self._merging = True
        self._merge_button.setEnabled(False)
        self._client.mutate(
            lambda s: s.merge_people(keep, other),
            self._merged,
            changes=ALL_CHANGES,
            name="merge people",
            on_error=self._failed,
        )

    # --- internals --------------------------------------------------------------------------------------

    def _loaded(self, summaries: tuple[PersonSummary, PersonSummary]) -> None:
        self._summaries = summaries
        for n, summary in enumerate(summaries):
            self._show(n, summary)
            button = self._keep_buttons[n]
            button.setText(_mnemonic_safe(summary.person.display_name))
            button.setAccessibleName(f"Keep entry {n + 1}")
            button.setEnabled(True)
        weights = [self._history(s) for s in summaries]
        default = 0 if weights[0] >= weights[1] else 1
        self._keep_buttons[default].setChecked(True)
        self._keep_buttons[default].setFocus()
        self._merge_button.setEnabled(True)

    @staticmethod
    def _history(summary: PersonSummary) -> int:
        return summary.acts + summary.needs + summary.commitments + summary.interactions + summary.entries

    def _show(self, n: int, summary: PersonSummary) -> None:
        person: Person = summary.person
        today = date.today()
        values = {
            "organisation": person.organisation,
            "role": person.role,
            "emails": "\n".join(person.emails),
            "phones": "\n".join(person.phones),
            "tags": join_list(person.tags),
            "location": person.location,
            "how_met": person.how_met,
            "birthday": birthday_phrase(person.birthday_month, person.birthday_day, person.birthday_year, today)
            .removeprefix("Birthday ")
            .split(" · ")[0],
            "last": ago(summary.last_interaction, today) if summary.last_interaction else "never",
            "history": ", ".join(
                _count(n, word)
                for n, word in (
                    (summary.acts, "act"),
                    (summary.needs, "listening note"),
                    (summary.commitments, "promise"),
                    (summary.interactions, "interaction"),
                    (summary.entries, "note"),
                )
            ),
            "created": human_date(person.created_at.date(), today),
        }
        for key, value in values.items():
            label = self._value_labels[(key, n)]
            label.setText(value or "—")

    def _merged(self, person: Person) -> None:
        self._merging = False
        log.debug("merged into %s", person.id)
        self.merged.emit(person)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._merging = False
        self._merge_button.setEnabled(self._summaries is not None)
        self._error.setText(user_message(exc))
        self._error.show()
