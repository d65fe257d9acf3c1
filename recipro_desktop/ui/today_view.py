"""Today: a calm morning briefing of what deserves attention, and one question to reflect on.

Sections (computed by :func:`recipro_desktop.services.today.build_today` on the background runner):

- **Thank-yous owed** — help received and not yet thanked after ``thanks_after_days``: *Mark thanked*, *Not needed*;
- **Promises due** — mine and theirs, due soon, today or overdue (overdue in the accent colour): *Kept*,
  *Reschedule…*;
- **Keep in touch** — people past their cadence, with how long since the last contact: *Log interaction…*;
- **Needs you could help with** — open listening notes matching your skills or a contact's (who could
  introduce): *I helped…* (an act that meets the need);
- **Birthdays** — the next two weeks, "turns 40" when the year is known: *Log wishes…*;
- **A question** — today's gratitude or reflection prompt, answered into the journal.

Every row's name opens that person (:attr:`TodayView.person_requested`); a right click offers Open… and Delete.
Edits go through the undo stack the window owns (Ctrl+Z undoes "Mark thanked" as well as a delete). The view
refreshes when the journal reports a change of a kind it shows, and when the day changes.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from PySide6.QtCore import QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QResizeEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from recipro_desktop.core.clock import Clock, SystemClock
from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    Commitment,
    CommitmentStatus,
    Direction,
    ItemKind,
    Need,
    Promiser,
    PromptKind,
)
from recipro_desktop.services.today import (
    DriftingPerson,
    DuePromise,
    HelpableNeed,
    OwedThanks,
    PersonRef,
    TodayBriefing,
    UpcomingBirthday,
    build_today,
)
from recipro_desktop.ui.act_dialog import ActDialog
from recipro_desktop.ui.commitment_dialog import CommitmentDialog
from recipro_desktop.ui.date_pick_dialog import DatePickDialog
from recipro_desktop.ui.day_text import human_day, human_span, long_date, weekday_date
from recipro_desktop.ui.interaction_dialog import InteractionDialog
from recipro_desktop.ui.item_labels import ACT_KINDS, one_line
from recipro_desktop.ui.journal_client import JournalClient, user_message
from recipro_desktop.ui.need_dialog import NeedDialog
from recipro_desktop.ui.today_prompt import TodayPromptCard
from recipro_desktop.ui.today_section import TodaySection, muted_label
from recipro_desktop.ui.today_section_model import Emphasis, RowAction, Segment, TodayRow, people_segments
from recipro_desktop.ui.undo import DeleteItemCommand, EditItemCommand, item_noun

log = logging.getLogger(__name__)

SHOWN_KINDS = frozenset(
    {ItemKind.PERSON, ItemKind.ACT, ItemKind.NEED, ItemKind.COMMITMENT, ItemKind.INTERACTION, ItemKind.ENTRY}
)
"""A change to any of these kinds can change what Today shows."""

WIDE = 1000
"""At this width and more the sections stand in two columns."""

MAX_CONTENT_WIDTH = 1180
DAY_CHECK_MS = 60_000


def cadence_words(days: int) -> str:
    """``every week``, ``every 2 weeks``, ``every month``, ``every 3 months``, ``every year``, ``every 10 days``."""
    named = {7: "every week", 14: "every 2 weeks", 21: "every 3 weeks", 365: "every year"}
    if days in named:
        return named[days]
    if days in (30, 31):
        return "every month"
    if days % 30 == 0 and days < 365:
        return f"every {days // 30} months"
    return f"every {days} days"


def greeting(hour: int) -> str:
    if hour < 5:
        return "Good evening"
    if hour < 12:
        return "Good morning"
    if hour < 18:
        return "Good afternoon"
    return "Good evening"


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary_sentence(b: TodayBriefing) -> str:
    """One calm sentence about the day ("2 thank-yous to send and 1 promise due.")."""
    parts = []
    if b.thanks_owed:
        parts.append(_plural(len(b.thanks_owed), "thank-you to send", "thank-yous to send"))
    if b.promises:
        parts.append(_plural(len(b.promises), "promise due", "promises due"))
    if b.drifting:
        parts.append(_plural(len(b.drifting), "person to catch up with", "people to catch up with"))
    if b.birthdays:
        parts.append(_plural(len(b.birthdays), "birthday coming up", "birthdays coming up"))
    if b.needs:
        parts.append(_plural(len(b.needs), "need you could help with", "needs you could help with"))
    if not parts:
        return "Nothing pressing today. A good day to reach out to someone you haven't heard from."
    if len(parts) == 1:
        return parts[0][0].upper() + parts[0][1:] + "."
    text = ", ".join(parts[:-1]) + " and " + parts[-1]
    return text[0].upper() + text[1:] + "."


# --- rows ----------------------------------------------------------------------------------------------------


def thanks_row(o: OwedThanks, today: date) -> TodayRow:
    act = o.act
    return TodayRow(
        key=act.id,
        icon=f"act-{act.kind.value}",
        title=(one_line(act.summary, 140),),
        lines=(
            (
                f"{_first_upper(human_day(act.occurred_on, today))} · from ",
                *people_segments(o.people),
                f" · {ACT_KINDS[act.kind]}",
            ),
        ),
        actions=(
            RowAction("thanked", "Mark thanked", "Record that you thanked them today"),
            RowAction("not_needed", "Not needed", "No thank-you needed for this one"),
        ),
        item=act,
    )


def promise_row(p: DuePromise, today: date) -> TodayRow:
    c = p.commitment
    due: Segment
    if p.overdue:
        due = Emphasis(f"Overdue by {human_span(p.days_overdue)}")
    elif p.days_overdue == 0:
        due = Emphasis("Due today")
    else:
        assert c.due_on is not None
        due = f"Due {human_day(c.due_on, today)}"
    who: tuple[Segment, ...]
    if c.promiser is Promiser.ME:
        who = (" · you promised ", *people_segments(p.people)) if c.people else (" · your promise",)
    else:
        who = (" · promised by ", *people_segments(p.people))
    return TodayRow(
        key=c.id,
        icon="item-promise",
        title=(one_line(c.text, 140),),
        lines=((due, *who),),
        actions=(
            RowAction("kept", "Kept", "Mark this promise as kept"),
            RowAction("reschedule", "Reschedule…", "Give it a new due date"),
        ),
        item=c,
    )


def drifting_row(d: DriftingPerson) -> TodayRow:
    since = f"Last contact {human_span(d.days_since)} ago" if d.days_since is not None else "Nothing logged yet"
    return TodayRow(
        key=d.person.id,
        icon="item-interaction",
        title=(d.person,),
        lines=((f"{since} · you like to be in touch {cadence_words(d.cadence_days)}",),),
        actions=(RowAction("log", "Log interaction…", "Log a coffee, a call or a message"),),
        item=d.person,
        person=d.person,
    )


def need_row(h: HelpableNeed, today: date) -> TodayRow:
    lines: list[tuple[Segment, ...]] = [(h.person, f" · heard {human_day(h.need.heard_on, today)}")]
    if h.my_skills:
        lines.append((f"You can help: {', '.join(h.my_skills)}",))
    if h.helpers:
        skills = sorted({s for helper in h.helpers for s in helper.skills}, key=str.casefold)
        helpers = people_segments([helper.person for helper in h.helpers], limit=2)
        lines.append(("Could introduce ", *helpers, f" · {', '.join(skills)}"))
    return TodayRow(
        key=h.need.id,
        icon="item-need",
        title=(one_line(h.need.text, 140),),
        lines=tuple(lines),
        actions=(RowAction("help", "I helped…", "Log what you did: an act that meets this need"),),
        item=h.need,
    )


def birthday_row(b: UpcomingBirthday, today: date) -> TodayRow:
    turns = f" · turns {b.turns}" if b.turns is not None else ""
    when: tuple[Segment, ...]
    if b.in_days == 0:
        when = (Emphasis("Today"), turns)
    else:
        when = (f"{weekday_date(b.on, today)} · {human_day(b.on, today)}{turns}",)
    return TodayRow(
        key=b.person.id,
        icon="act-gift",
        title=(b.person,),
        lines=(when,),
        actions=(RowAction("wish", "Log wishes…", "Log the birthday wishes you sent"),),
        item=b.person,
        person=b.person,
    )


class TodayView(QWidget):
    """The Today view (see the module docstring).

    Signals:
        person_requested(object): the id of a person to open.
        loaded(): a briefing was shown (tests, and the window's "ready" status).
    """

    person_requested = Signal(object)
    loaded = Signal()

    def __init__(
        self,
        client: JournalClient,
        parent: QWidget | None = None,
        undo_stack: QUndoStack | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("todayView")
        self._client = client
        self._clock: Clock = clock or SystemClock()
        self._undo = undo_stack if undo_stack is not None else QUndoStack(self)
        self._briefing: TodayBriefing | None = None
        self._prompt_step = 0
        self._loading = False
        self._reload_pending = False
        self._wide: bool | None = None
        self.open_menu: QMenu | None = None
        """The last menu shown with ``popup`` (reschedule), for keyboard users' tests and accessibility checks."""

        scroll = QScrollArea(self)
        scroll.setObjectName("todayScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        page = QWidget(scroll)
        page.setObjectName("todayPage")
        scroll.setWidget(page)
        centre = QHBoxLayout(page)
        centre.setContentsMargins(28, 24, 28, 28)
        centre.addStretch(1)
        self._content = QWidget(page)
        self._content.setMaximumWidth(MAX_CONTENT_WIDTH)
        centre.addWidget(self._content, 100)
        centre.addStretch(1)
        column = QVBoxLayout(self._content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(16)

        self.greeting_label = QLabel(self._content)
        self.greeting_label.setObjectName("greetingLabel")
        self.greeting_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.greeting_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setWeight(QFont.Weight.Bold)
        self.greeting_label.setFont(font)
        self.date_label = muted_label("", self._content, wrap=False)
        self.date_label.setObjectName("dateLabel")
        self.summary_label = QLabel(self._content)
        self.summary_label.setObjectName("summaryLabel")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        header = QVBoxLayout()
        header.setSpacing(2)
        header.addWidget(self.greeting_label)
        header.addWidget(self.date_label)
        header.addSpacing(6)
        header.addWidget(self.summary_label)
        column.addLayout(header)

        self.thanks_section = TodaySection(
            "thanks", "Thank-yous owed", "nav-gratitude", "Nobody is waiting for a thank-you.", self._content
        )
        self.promises_section = TodaySection(
            "promises",
            "Promises due",
            "item-promise",
            "No promises due. Promises with a due date show up here as the day comes near.",
            self._content,
        )
        self.touch_section = TodaySection(
            "touch",
            "Keep in touch",
            "item-interaction",
            "Everyone is within their keep-in-touch rhythm. Set a cadence on someone's page to be reminded here.",
            self._content,
        )
        self.needs_section = TodaySection(
            "needs",
            "Needs you could help with",
            "item-need",
            "No open listening notes match what you or your contacts can help with right now.",
            self._content,
        )
        self.birthdays_section = TodaySection(
            "birthdays", "Birthdays", "act-gift", "No birthdays in the next two weeks.", self._content
        )
        self.prompt_card = TodayPromptCard(client, self._clock, self._content)
        self.sections: dict[str, TodaySection] = {
            s.key: s
            for s in (
                self.thanks_section,
                self.promises_section,
                self.touch_section,
                self.needs_section,
                self.birthdays_section,
            )
        }
        for section in self.sections.values():
            section.action_triggered.connect(self._on_action)
            section.person_requested.connect(self.person_requested)
        self.prompt_card.another_requested.connect(self._another_prompt)
        self.prompt_card.prompts_edited.connect(self.refresh)

        columns = QHBoxLayout()
        columns.setSpacing(16)
        self._left = QVBoxLayout()
        self._right = QVBoxLayout()
        for side in (self._left, self._right):
            side.setSpacing(16)
            side.addStretch(1)
        columns.addLayout(self._left, 3)
        columns.addLayout(self._right, 2)
        self._columns = columns
        column.addLayout(columns, 1)
        self._arrange(wide=False)

        client.journal_changed.connect(self._on_journal_changed)
        self._day_timer = QTimer(self)
        self._day_timer.setInterval(DAY_CHECK_MS)
        self._day_timer.timeout.connect(self._check_day)
        self._day_timer.start()
        self._show_header(None)
        self._set_cards_visible(False)  # no "nobody is waiting" before we know

    # --- public API -----------------------------------------------------------------------------------------

    @property
    def briefing(self) -> TodayBriefing | None:
        """The briefing on screen (None until the first load finished)."""
        return self._briefing

    @property
    def undo_stack(self) -> QUndoStack:
        return self._undo

    @Slot()
    def refresh(self) -> None:
        """Rebuild the briefing in the background; overlapping requests collapse into one more load."""
        if self._loading:
            self._reload_pending = True
            return
        self._loading = True
        clock = self._clock
        self._client.query(
            lambda s: build_today(s, clock), self._show, name="today-briefing", on_error=self._load_failed
        )

    # --- loading --------------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._briefing is None and not self._loading:
            self.refresh()

    def _show(self, briefing: TodayBriefing) -> None:
        self._loading = False
        if self._reload_pending:
            self._reload_pending = False
            self.refresh()
        if self._briefing is None or self._briefing.day != briefing.day:
            self._prompt_step = 0
        self._briefing = briefing
        today = briefing.day
        self.thanks_section.set_empty_text(
            "Nobody is waiting for a thank-you. Help you receive shows up here after "
            f"{_plural(briefing.thanks_after_days, 'day', 'days')} if it hasn't been thanked."
        )
        self.thanks_section.set_rows([thanks_row(o, today) for o in briefing.thanks_owed])
        self.promises_section.set_rows([promise_row(p, today) for p in briefing.promises])
        self.touch_section.set_rows([drifting_row(d) for d in briefing.drifting])
        self.needs_section.set_rows([need_row(h, today) for h in briefing.needs])
        self.birthdays_section.set_rows([birthday_row(b, today) for b in briefing.birthdays])
        self._show_prompt()
        self._show_header(briefing)
        self._set_cards_visible(True)
        log.debug("today shown")
        self.loaded.emit()

    def _set_cards_visible(self, visible: bool) -> None:
        for w in (*self.sections.values(), self.prompt_card):
            w.setVisible(visible)

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.summary_label.setText(f"Today could not be loaded: {user_message(exc)}")

    def _show_header(self, briefing: TodayBriefing | None) -> None:
        now = self._clock.now().astimezone()
        self.greeting_label.setText(greeting(now.hour))
        self.date_label.setText(long_date(briefing.day if briefing else self._clock.today()))
        self.summary_label.setText(summary_sentence(briefing) if briefing else "Gathering your day…")

    def _show_prompt(self) -> None:
        b = self._briefing
        if b is None or b.prompt is None or not b.rotation:
            self.prompt_card.set_prompt(None, "")
            return
        kind, text = b.rotation[(b.prompt.position + self._prompt_step) % len(b.rotation)]
        self.prompt_card.set_prompt(kind, text)

    @Slot()
    def _another_prompt(self) -> None:
        self._prompt_step += 1
        self._show_prompt()

    @Slot(object)
    def _on_journal_changed(self, kinds: frozenset[ItemKind]) -> None:
        if kinds & SHOWN_KINDS and self._briefing is not None:
            self.refresh()

    @Slot()
    def _check_day(self) -> None:
        if self._briefing is not None and self._clock.today() != self._briefing.day:
            self.refresh()

    # --- layout ---------------------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(wide=self.width() >= WIDE)

    def _arrange(self, *, wide: bool) -> None:
        """Two independent columns when wide (the briefing left, the question and birthdays right), else one."""
        if wide == self._wide:
            return
        self._wide = wide
        cards: tuple[QWidget, ...] = (*self.sections.values(), self.prompt_card)
        for w in cards:
            self._left.removeWidget(w)
            self._right.removeWidget(w)
        if wide:
            left: tuple[QWidget, ...] = (self.thanks_section, self.promises_section, self.touch_section)
            right: tuple[QWidget, ...] = (self.prompt_card, self.birthdays_section, self.needs_section)
        else:
            left = (
                self.thanks_section,
                self.promises_section,
                self.touch_section,
                self.prompt_card,
                self.birthdays_section,
                self.needs_section,
            )
            right = ()
        for layout, widgets in ((self._left, left), (self._right, right)):
            for n, w in enumerate(widgets):
                layout.insertWidget(n, w)
        self._columns.setStretch(1, 2 if wide else 0)

    # --- actions --------------------------------------------------------------------------------------------

    @Slot(str, object)
    def _on_action(self, action: str, row: TodayRow) -> None:
        item = row.item
        today = self._clock.today()
        handlers: dict[str, Callable[[], object]] = {
            "thanked": lambda: self._edit(item, dataclasses.replace(item, thanked_on=today), "Mark thanked"),
            "not_needed": lambda: self._edit(
                item, dataclasses.replace(item, thanks_not_needed=True), "No thanks needed"
            ),
            "kept": lambda: self._edit(
                item, dataclasses.replace(item, status=CommitmentStatus.KEPT), "Mark promise kept"
            ),
            "reschedule": lambda: self._reschedule(row),
            "log": lambda: self._log_interaction(row, Channel.MEETING, ""),
            "wish": lambda: self._log_interaction(row, Channel.MESSAGE, "Birthday wishes"),
            "help": lambda: self._helped(item),
            "open": lambda: self._open(item),
            "delete": lambda: self._delete(item),
        }
        handler = handlers.get(action)
        if handler is not None:
            handler()

    def _edit(self, before: Any, after: Any, text: str) -> None:
        self._undo.push(EditItemCommand(self._client, before, after, text))

    def _reschedule(self, row: TodayRow) -> None:
        """A menu of new due dates under the button (shown with ``popup``: nothing blocks while it is open)."""
        c: Commitment = row.item
        today = self._clock.today()
        menu = QMenu(self)
        menu.setObjectName("rescheduleMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for label, days in (("Tomorrow", 1), ("In 3 days", 3), ("Next week", 7), ("In 2 weeks", 14)):
            day = today + timedelta(days=days)
            action = menu.addAction(f"{label} ({weekday_date(day, today)})")
            action.triggered.connect(lambda _=False, d=day: self._set_due(c, d))
        menu.addSeparator()
        pick = menu.addAction("Pick a date…")
        pick.triggered.connect(lambda _=False: self._pick_due(c))
        self.open_menu = menu
        menu.popup(self._button_pos(row, "reschedule"))

    def _pick_due(self, c: Commitment) -> None:
        today = self._clock.today()
        dialog = DatePickDialog(self, "New due date", max(today, c.due_on or today))
        if dialog.exec():
            self._set_due(c, dialog.day())

    def _set_due(self, c: Commitment, day: date) -> None:
        self._edit(c, dataclasses.replace(c, due_on=day), "Reschedule promise")

    def _button_pos(self, row: TodayRow, action: str) -> QPoint:
        for section in self.sections.values():
            for widget in section.row_widgets:
                if widget.row.key == row.key and action in widget.buttons:
                    button = widget.buttons[action]
                    return button.mapToGlobal(button.rect().bottomLeft())
        return self.mapToGlobal(self.rect().center())

    def _log_interaction(self, row: TodayRow, channel: Channel, summary: str) -> None:
        person = row.person
        if person is None:
            return
        InteractionDialog(
            self._client, self, people=(person.id,), clock=self._clock, channel=channel, summary=summary
        ).exec()

    def _helped(self, need: Need) -> None:
        ActDialog(
            self._client,
            self,
            people=(need.person_id,),
            clock=self._clock,
            direction=Direction.GIVEN,
            kind=ActKind.FAVOR,
            meets_need=need.id,
        ).exec()

    def _open(self, item: Any) -> None:
        if isinstance(item, Act):
            ActDialog(self._client, self, item, clock=self._clock).exec()
        elif isinstance(item, Commitment):
            CommitmentDialog(self._client, self, item, clock=self._clock).exec()
        elif isinstance(item, Need):
            NeedDialog(self._client, self, item, clock=self._clock).exec()
        elif isinstance(item, PersonRef):
            self.person_requested.emit(item.id)

    def _delete(self, item: Any) -> None:
        noun = item_noun(item)
        answer = QMessageBox.question(
            self,
            f"Delete {noun}",
            f"Delete this {noun}? You can undo it with Ctrl+Z. Backups and exports may still contain it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._undo.push(DeleteItemCommand(self._client, item))

    # --- for tests and the window ----------------------------------------------------------------------------

    def section_texts(self, key: str) -> list[str]:
        """The titles of the rows a section shows (model order)."""
        return [row.text for row in self.sections[key].model.rows()]

    def person_ids(self, key: str) -> list[UUID]:
        return [p.id for row in self.sections[key].model.rows() for p in row.people]

    def prompt(self) -> tuple[PromptKind, str]:
        return self.prompt_card.prompt_kind, self.prompt_card.prompt
