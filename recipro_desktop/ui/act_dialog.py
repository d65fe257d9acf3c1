"""Create or edit an act with all its fields: who, when, which way, what kind, how much it mattered, its links
(the need it met, the act it returned), paid forward, and for received acts when and how they were thanked.

A *new* received act saved without thanks (neither "thanked" nor "no thanks needed" ticked) is followed by the
same gratitude offer as Quick add ("Thank Ana for the referral?": thanked, remind me tomorrow, not needed),
whichever way it was logged; :attr:`ActDialog.gratitude_offered` hands it out.

Typical use (the person page, the timeline)::

    dialog = ActDialog(client, self, act)            # edit
    dialog = ActDialog(client, self, people=(ana,))  # new act with Ana
    if dialog.exec():                                 # saved through client.mutate by then
        ...
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QWidget

from recipro_desktop.core.clock import Clock
from recipro_desktop.core.models import Act, ActKind, Direction, ItemKind, Need, NeedStatus
from recipro_desktop.core.validation import validate_act
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.day_text import short_date
from recipro_desktop.ui.forms.ui_act_dialog import Ui_ActDialog
from recipro_desktop.ui.gratitude_offer import GratitudeOffer, offer_for
from recipro_desktop.ui.icons import act_kind_icon, icon, item_icon
from recipro_desktop.ui.item_dialog import ItemDialog, from_qdate, people_names, setup_date_edit
from recipro_desktop.ui.item_labels import ACT_KINDS, WEIGHTS, one_line
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.people_edit import PeopleEdit

RETURN_OPTIONS = 60
"""At most this many earlier acts are offered as "in return for" (newest first)."""


class ActDialog(ItemDialog):
    """The act editor (see the module docstring). ``direction``, ``kind``, ``summary`` and ``meets_need``
    prefill a new act (e.g. "I helped" on a listening note)."""

    NOUN = "act"
    SERVICE_NAME = "act"
    PLURAL = "acts"
    CHANGES = frozenset({ItemKind.ACT, ItemKind.NEED})

    gratitude_offered = Signal(object)
    """The :class:`GratitudeOffer` opened after a new, unthanked received act."""

    def __init__(
        self,
        client: JournalClient,
        parent: QWidget | None = None,
        act: Act | None = None,
        people: tuple[UUID, ...] = (),
        *,
        clock: Clock | None = None,
        direction: Direction | None = None,
        kind: ActKind | None = None,
        summary: str = "",
        meets_need: UUID | None = None,
    ) -> None:
        super().__init__(client, parent, act, clock)
        self.ui = Ui_ActDialog()
        self.ui.setupUi(self)  # type: ignore[no-untyped-call]
        ui = self.ui
        self.people_edit = PeopleEdit(client, self, placeholder="Who was involved? Type a name…")
        self._add_people_edit("people", ui.peopleContainer, self.people_edit)
        QWidget.setTabOrder(self.people_edit.line_edit, ui.occurredOnEdit)
        for k, text in ACT_KINDS.items():
            ui.kindCombo.addItem(act_kind_icon(k), text, k.value)
        for weight, text in WEIGHTS.items():
            ui.weightCombo.addItem(text, weight)
        self._init_common(
            ui.buttonBox,
            ui.generalError,
            {
                "people": ui.peopleError,
                "occurred_on": ui.occurredOnError,
                "summary": ui.summaryError,
                "details": ui.detailsError,
                "weight": ui.weightError,
                "meets_need_id": ui.meetsNeedError,
                "in_return_for_id": ui.inReturnForError,
                "thanked_on": ui.thankedOnError,
                "thanked_how": ui.thankedOnError,
            },
            {
                "occurred_on": ui.occurredOnEdit,
                "summary": ui.summaryEdit,
                "details": ui.detailsEdit,
                "weight": ui.weightCombo,
                "meets_need_id": ui.meetsNeedCombo,
                "in_return_for_id": ui.inReturnForCombo,
                "thanked_on": ui.thankedOnEdit,
                "thanked_how": ui.thankedHowEdit,
                "kind": ui.kindCombo,
                "direction": ui.givenRadio,
            },
        )
        self._acts: list[Act] = []
        self.gratitude_offer: GratitudeOffer | None = None
        ui.receivedRadio.toggled.connect(self._on_direction_changed)
        ui.thankedCheck.toggled.connect(self._update_thanks_fields)
        ui.thanksNotNeededCheck.toggled.connect(self._update_thanks_fields)
        self.people_edit.people_changed.connect(self._load_options)
        if act is not None:
            self._fill(act)
        else:
            today = self._clock.today()
            self._fill(
                Act(
                    occurred_on=today,
                    direction=direction or Direction.GIVEN,
                    kind=kind or ActKind.FAVOR,
                    summary=summary,
                    people=(),
                    meets_need_id=meets_need,
                )
            )
            self.people_edit.load_people(people)
        self.resize(self.sizeHint().expandedTo(self.size()))

    def _fill(self, act: Act) -> None:
        ui = self.ui
        if act.people:
            self.people_edit.load_people(act.people)
        setup_date_edit(ui.occurredOnEdit, act.occurred_on)
        (ui.receivedRadio if act.direction is Direction.RECEIVED else ui.givenRadio).setChecked(True)
        ui.kindCombo.setCurrentIndex(max(0, ui.kindCombo.findData(act.kind.value)))
        ui.summaryEdit.setText(act.summary)
        ui.detailsEdit.setPlainText(act.details)
        ui.weightCombo.setCurrentIndex(max(0, ui.weightCombo.findData(act.weight)))
        ui.meetsNeedCombo.set_current_id(act.meets_need_id)
        ui.inReturnForCombo.set_current_id(act.in_return_for_id)
        ui.paidForwardCheck.setChecked(act.paid_forward)
        ui.thankedCheck.setChecked(act.thanked_on is not None)
        setup_date_edit(ui.thankedOnEdit, act.thanked_on or self._clock.today())
        ui.thankedHowEdit.setText(act.thanked_how)
        ui.thanksNotNeededCheck.setChecked(act.thanks_not_needed)
        self._update_thanks_fields()

    def _validate(self, item: Act) -> None:
        validate_act(item)

    def _on_saved(self, stored: Any) -> None:
        new = self._item is None
        names = [c.name for c in self.people_edit.choices()]
        parent = self.parentWidget()  # the offer outlives this dialog, as after Quick add
        super()._on_saved(stored)
        owed = (
            isinstance(stored, Act)
            and stored.direction is Direction.RECEIVED
            and stored.thanked_on is None
            and not stored.thanks_not_needed
        )
        if new and owed:
            self.gratitude_offer = offer_for(self._client, stored, names, parent, clock=self._clock)
            self.gratitude_offered.emit(self.gratitude_offer)

    def _collect(self) -> Act:
        ui = self.ui
        received = ui.receivedRadio.isChecked()
        thanked = received and ui.thankedCheck.isChecked()
        fields: dict[str, Any] = {
            "occurred_on": from_qdate(ui.occurredOnEdit.date()),
            "direction": Direction.RECEIVED if received else Direction.GIVEN,
            "kind": ActKind(ui.kindCombo.currentData()),
            "summary": ui.summaryEdit.text().strip(),
            "details": ui.detailsEdit.toPlainText().strip(),
            "people": self.people_edit.person_ids(),
            "weight": int(ui.weightCombo.currentData()),
            "meets_need_id": ui.meetsNeedCombo.current_id(),
            "in_return_for_id": ui.inReturnForCombo.current_id(),
            "paid_forward": ui.paidForwardCheck.isChecked(),
            "thanked_on": from_qdate(ui.thankedOnEdit.date()) if thanked else None,
            "thanked_how": ui.thankedHowEdit.text().strip() if thanked else "",
            "thanks_not_needed": received and ui.thanksNotNeededCheck.isChecked(),
        }
        if self._item is not None:
            return cast(Act, dataclasses.replace(self._item, **fields))
        return Act(**fields)

    @property
    def direction(self) -> Direction:
        return Direction.RECEIVED if self.ui.receivedRadio.isChecked() else Direction.GIVEN

    @Slot()
    def _update_thanks_fields(self) -> None:
        ui = self.ui
        received = ui.receivedRadio.isChecked()
        for w in (ui.thankedLabel, ui.thankedCheck, ui.thanksNotNeededCheck):
            w.setEnabled(received)
        thanked = received and ui.thankedCheck.isChecked()
        ui.thankedOnEdit.setEnabled(thanked)
        ui.thankedHowEdit.setEnabled(thanked)
        self.setWindowIcon(item_icon(ItemKind.ACT, self.direction))

    @Slot(bool)
    def _on_direction_changed(self, _received: bool) -> None:
        self._update_thanks_fields()
        self._show_return_options()

    @Slot()
    def _load_options(self) -> None:
        people = self.people_edit.person_ids()
        existing = {c.id for c in self.people_edit.choices() if not c.new}
        own_id = self._item.id if self._item is not None else None
        wanted = [p for p in people if p in existing]

        def fetch(s: JournalService) -> tuple[list[Need], list[Act]]:
            needs: dict[UUID, Need] = {}
            acts: dict[UUID, Act] = {}
            for person_id in wanted:
                needs.update((n.id, n) for n in s.needs_for(person_id))
                acts.update((a.id, a) for a in s.acts_for(person_id) if a.id != own_id)
            ordered = sorted(acts.values(), key=lambda a: (a.occurred_on, a.created_at), reverse=True)
            return list(needs.values()), ordered

        self._options("act-links", fetch, self._show_options)

    def _show_options(self, result: tuple[list[Need], list[Act]]) -> None:
        needs, acts = result
        names = people_names([self.people_edit])
        current_need = self.ui.meetsNeedCombo.current_id() or (self._item.meets_need_id if self._item else None)
        shown: Sequence[Need] = [
            n for n in needs if n.status in (NeedStatus.OPEN, NeedStatus.HELPING) or n.id == current_need
        ]
        self.ui.meetsNeedCombo.set_options(
            [(n.id, f"{names.get(n.person_id, 'Someone')}: {one_line(n.text, 70)}") for n in shown], icon("item-need")
        )
        self._acts = acts
        self._show_return_options()

    def _show_return_options(self) -> None:
        opposite = Direction.GIVEN if self.direction is Direction.RECEIVED else Direction.RECEIVED
        today = self._clock.today()
        current = self.ui.inReturnForCombo.current_id() or (self._item.in_return_for_id if self._item else None)
        acts = [a for a in self._acts if a.direction is opposite or a.id == current][:RETURN_OPTIONS]
        self.ui.inReturnForCombo.set_options(
            [(a.id, f"{short_date(a.occurred_on, today)} · {one_line(a.summary, 70)}") for a in acts],
            item_icon(ItemKind.ACT, opposite),
        )
