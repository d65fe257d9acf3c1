"""No system tray: the notice is shown once (remembered in QSettings) and reminders stay in the window through the
status-bar count, which follows the scheduler and shows counts only (G10)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from uuid import uuid4

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import ItemKind
from recipro_desktop.core.reminders import Nudge, NudgeRule
from recipro_desktop.ui.no_tray_notice import SETTINGS_KEY, TITLE, NoTrayNotice
from recipro_desktop.ui.reminder_status_widget import ReminderStatusWidget
from tests.conftest import CANARY


def nudge(rule: NudgeRule = NudgeRule.THANKS_OWED) -> Nudge:
    return Nudge(
        rule=rule,
        item_kind=ItemKind.ACT,
        item_id=uuid4(),
        due_on=date(2026, 3, 10),
        overdue=False,
        key=str(uuid4()),
        title=f"Thank Ana: {CANARY}",
        first_names=("Ana",),
    )


def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "recipro.ini"), QSettings.Format.IniFormat)


def test_notice_is_shown_once_when_there_is_no_tray(qtbot: QtBot, tmp_path: Path, modals) -> None:
    modals.answer("information", QMessageBox.StandardButton.Ok)
    notice = NoTrayNotice(settings(tmp_path), available=lambda: False)
    assert notice.maybe_show(None) is True
    assert [(c.kind, c.title) for c in modals.calls] == [("information", TITLE)]
    assert "Closing the window quits Recipro" in modals.calls[0].text
    again = NoTrayNotice(settings(tmp_path), available=lambda: False)  # the next start
    assert again.maybe_show(None) is True and len(modals.calls) == 1
    assert settings(tmp_path).value(SETTINGS_KEY, type=bool) is True


def test_no_notice_when_a_tray_exists(qtbot: QtBot, tmp_path: Path, modals) -> None:
    notice = NoTrayNotice(settings(tmp_path), available=lambda: True)
    assert notice.maybe_show(None) is False and modals.calls == []
    assert not notice.already_shown()


def test_status_widget_counts_and_opens_today(qtbot: QtBot) -> None:
    widget = ReminderStatusWidget()
    qtbot.addWidget(widget)
    assert widget.text() == "Nothing due" and widget.count == 0
    widget.set_nudges([nudge(), nudge(), nudge(NudgeRule.BIRTHDAY)])
    assert widget.text() == "3 due"
    assert widget.toolTip().startswith("2 thank-yous owed, 1 birthday")
    assert CANARY not in widget.toolTip() and "Ana" not in widget.toolTip()
    widget.set_paused(datetime(2026, 3, 10, 14, 30, tzinfo=UTC))
    assert "paused until 14:30" in widget.toolTip()
    widget.show()
    with qtbot.waitSignal(widget.open_requested):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    assert widget.accessibleName() == "Reminders: 3 due"
