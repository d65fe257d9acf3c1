"""The person page's *Details* tab: every field of the person, with emails, phones and links one click away.

Emails open as ``mailto:``, phone numbers as ``tel:`` (digits and ``+`` only), links only when they are ``http``
or ``https`` (a ``javascript:``, ``file:`` or ``data:`` link is shown as plain text and never opened). Each is a
flat, focusable button, so they work from the keyboard too; the URL goes through :class:`QDesktopServices`.
Everything else is plain text (RELIABILITY G4), the notes in a read-only plain-text box.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from recipro_desktop.core.models import Person
from recipro_desktop.core.validation import looks_like_email
from recipro_desktop.ui.person_text import birthday_phrase, cadence_phrase, human_date, join_list, tooltip

SAFE_LINK_SCHEMES = frozenset({"http", "https"})


def mailto_url(email: str) -> QUrl | None:
    if not looks_like_email(email):
        return None
    url = QUrl()
    url.setScheme("mailto")
    url.setPath(email)
    return url


def tel_url(phone: str) -> QUrl | None:
    digits = "".join(c for c in phone if c.isdigit() or c == "+")
    if not any(c.isdigit() for c in digits):
        return None
    return QUrl(f"tel:{digits}")


def web_url(link: str) -> QUrl | None:
    """``link`` as an http(s) URL (a bare ``www.example.org/x`` gets ``https://``), or None if it is not one."""
    text = link.strip()
    if not text or any(c.isspace() for c in text):
        return None
    url = QUrl(text, QUrl.ParsingMode.StrictMode)
    if not url.isValid():
        return None
    if not url.scheme():
        url = QUrl("https://" + text, QUrl.ParsingMode.StrictMode)
    if url.scheme().lower() not in SAFE_LINK_SCHEMES or not url.host() or not url.isValid():
        return None
    return url


class PersonDetailsTab(QScrollArea):
    """All of a person's fields, read-only (edit with the person dialog).

    Signals:
        person_requested(object): "met through" was clicked (that person's UUID).
        link_opened(object): a link button was used (its :class:`QUrl`), just before it is opened.
    """

    person_requested = Signal(object)
    link_opened = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.setObjectName("detailsTab")
        self._today = today
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.link_buttons: list[QPushButton] = []
        self.value_labels: dict[str, QLabel] = {}
        self._new_body()

    def _new_body(self) -> None:
        """A fresh page of fields (the scroll area deletes the previous one)."""
        self._body = QWidget(self)
        self._form = QFormLayout()
        self._form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self._form.setFormAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._form.setHorizontalSpacing(16)
        self._form.setVerticalSpacing(8)
        outer = QVBoxLayout(self._body)
        outer.setContentsMargins(8, 12, 8, 12)
        outer.addLayout(self._form)
        outer.addStretch(1)
        self.notes_view = QPlainTextEdit(self._body)
        self.notes_view.setObjectName("notesView")
        self.notes_view.setAccessibleName("Notes about them")
        self.notes_view.setReadOnly(True)
        self.notes_view.setMinimumHeight(90)
        self.link_buttons = []
        self.value_labels = {}
        self.setWidget(self._body)

    # --- content ----------------------------------------------------------------------------------------

    def set_person(self, person: Person, met_through: Person | None = None) -> None:
        """Show every field of ``person`` (``met_through``: the person they were introduced through)."""
        today = self._today()
        self._new_body()
        self._text("name", "Name", person.display_name)
        full = " ".join(p for p in (person.given_name, person.family_name) if p)
        if full and full != person.display_name:
            self._text("full_name", "Given / family", full)
        self._text("organisation", "Organisation", person.organisation)
        self._text("role", "Role", person.role)
        self._text("location", "Location", person.location)
        self._links("Emails", [(e, mailto_url(e)) for e in person.emails])
        self._links("Phones", [(p, tel_url(p)) for p in person.phones])
        self._links("Links", [(link, web_url(link)) for link in person.links])
        self._text("tags", "Tags", join_list(person.tags))
        self._text("can_help_with", "Can help with", join_list(person.can_help_with))
        self._text("how_met", "How you met", person.how_met)
        self._text("met_on", "Met on", human_date(person.met_on, today, empty=""))
        if person.met_through_id is not None:
            name = met_through.display_name if met_through is not None else "someone no longer in the journal"
            if met_through is not None:
                button = self._link_button(name, None)
                through_id = person.met_through_id
                button.clicked.connect(lambda: self.person_requested.emit(through_id))
                button.setToolTip(tooltip(f"Open {name}"))
                self._form.addRow(self._caption("Met through"), button)
            else:
                self._text("met_through", "Met through", name)
        self._text(
            "birthday",
            "Birthday",
            birthday_phrase(person.birthday_month, person.birthday_day, person.birthday_year, today).removeprefix(
                "Birthday "
            ),
        )
        self._text("cadence", "Keep in touch", cadence_phrase(person.cadence_days).removeprefix("Keep in touch "))
        if person.notes:
            self.notes_view.setPlainText(person.notes)
            lines = person.notes.count("\n") + 2
            self.notes_view.setFixedHeight(min(240, max(60, lines * self.notes_view.fontMetrics().lineSpacing() + 16)))
            self._form.addRow(self._caption("Notes"), self.notes_view)
        else:
            self.notes_view.hide()
            empty = self._caption("None yet — edit the person (Ctrl+E) to write some.")
            self._form.addRow(self._caption("Notes"), empty)
        self._text("added", "Added", human_date(person.created_at.date(), today))
        if person.updated_at.date() != person.created_at.date():
            self._text("updated", "Last edited", human_date(person.updated_at.date(), today))
        if person.archived:
            self._text("archived", "Archived", "Yes — hidden from the People list")

    def _caption(self, text: str) -> QLabel:
        label = QLabel(text, self._body)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setProperty("role", "muted")
        return label

    def _text(self, key: str, caption: str, value: str) -> None:
        if not value:
            return
        label = QLabel(value, self._body)
        label.setObjectName(f"{key}Value")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.value_labels[key] = label
        self._form.addRow(self._caption(caption), label)

    def _links(self, caption: str, values: list[tuple[str, QUrl | None]]) -> None:
        if not values:
            return
        box = QWidget(self._body)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for text, url in values:
            if url is None:
                label = QLabel(text, box)
                label.setTextFormat(Qt.TextFormat.PlainText)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                label.setToolTip("Not a link that can be opened safely")
                layout.addWidget(label)
            else:
                layout.addWidget(self._link_button(text, url, box), 0, Qt.AlignmentFlag.AlignLeft)
        self._form.addRow(self._caption(caption), box)

    def _link_button(self, text: str, url: QUrl | None, parent: QWidget | None = None) -> QPushButton:
        button = QPushButton(text.replace("&", "&&"), parent or self._body)
        button.setFlat(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setAccessibleName(text)
        button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        palette = button.palette()
        palette.setColor(QPalette.ColorRole.ButtonText, palette.color(QPalette.ColorRole.Link))
        button.setPalette(palette)
        button.setStyleSheet("QPushButton { text-align: left; padding: 1px 2px; border: none; }")
        if url is not None:
            button.setToolTip(tooltip(url.toDisplayString()))
            button.clicked.connect(lambda: self._open(url))
            button.setProperty("url", url.toString())
        self.link_buttons.append(button)
        return button

    def _open(self, url: QUrl) -> None:
        if url.scheme().lower() not in SAFE_LINK_SCHEMES | {"mailto", "tel"}:
            return
        self.link_opened.emit(url)
        QDesktopServices.openUrl(url)
