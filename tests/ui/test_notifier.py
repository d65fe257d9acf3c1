"""Notification text through the tray: privacy, escaping, invisible controls, and what a click opens.

RELIABILITY G3 (``showMessage`` patched to record what the user would see: counts by default, titles only in
"full" mode, ``<`` and ``&`` escaped for freedesktop servers), E18 (bidi and zero-width characters stripped).
The offscreen platform has no tray, so the notifier is tested as an object with a real ``QSystemTrayIcon``.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import ItemKind
from recipro_desktop.core.reminders import Nudge, NudgeRule, notification_text
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.notifier import Notifier, interprets_markup, safe_text
from tests.conftest import CANARY

HOSTILE = f'Thank \u202eAna\u200b: <img src="file:///etc/passwd"> & {CANARY}'


def nudge(title: str = HOSTILE, rule: NudgeRule = NudgeRule.THANKS_OWED) -> Nudge:
    return Nudge(
        rule=rule,
        item_kind=ItemKind.ACT,
        item_id=uuid4(),
        due_on=date(2026, 3, 10),
        overdue=False,
        key=f"k-{uuid4()}",
        title=title,
        first_names=("Ana",),
    )


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    calls: list[tuple[str, str]] = []

    def record(self: QSystemTrayIcon, title: str, text: str, *args: Any) -> None:
        calls.append((title, text))

    monkeypatch.setattr(QSystemTrayIcon, "showMessage", record)
    return calls


@pytest.fixture
def tray(qtbot: QtBot) -> QSystemTrayIcon:
    tray = QSystemTrayIcon(icon("tray-idle"))
    tray.show()
    yield tray
    tray.hide()
    tray.deleteLater()


def test_markup_is_escaped_where_servers_read_it() -> None:
    """G3: freedesktop servers (Linux, BSD) may render body markup; Windows and macOS show plain text."""
    assert interprets_markup("linux") and interprets_markup("freebsd14")
    assert not interprets_markup("win32") and not interprets_markup("darwin")
    linux = safe_text(HOSTILE, platform="linux")
    assert "<img" not in linux and "&lt;img" in linux and "&amp;" in linux
    windows = safe_text(HOSTILE, platform="win32")
    assert "<img" in windows and "&amp;" not in windows


def test_invisible_controls_are_stripped_everywhere() -> None:
    """E18: an RLO or zero-width space cannot reorder or disguise a name in a notification."""
    for platform in ("linux", "win32", "darwin"):
        text = safe_text(HOSTILE, platform=platform)
        assert "\u202e" not in text and "\u200b" not in text
        assert "Thank Ana:" in text


def test_long_text_is_cut() -> None:
    text = safe_text("x" * 1000, platform="win32")
    assert len(text) == 400 and text.endswith("…")


def test_counts_mode_shows_no_title_or_name(qtbot: QtBot, tray: QSystemTrayIcon, shown: list[tuple[str, str]]) -> None:
    """G3: the default ("counts") notification says how many, never whom or what."""
    notifier = Notifier(tray, platform="linux")
    nudges = [nudge(), nudge()]
    assert notifier.show("Reminders", notification_text(nudges, "counts"))
    assert shown == [("Reminders", "2 thank-yous owed")]


def test_full_mode_shows_titles_escaped(qtbot: QtBot, tray: QSystemTrayIcon, shown: list[tuple[str, str]]) -> None:
    notifier = Notifier(tray, platform="linux")
    notifier.show("Reminder", notification_text([nudge()], "full"))
    ((title, text),) = shown
    assert title == "Reminder"
    assert CANARY in text and "&lt;img" in text and "<img" not in text and "\u202e" not in text


def test_names_mode_shows_first_names_only(qtbot: QtBot, tray: QSystemTrayIcon, shown: list[tuple[str, str]]) -> None:
    notifier = Notifier(tray, platform="linux")
    notifier.show("Reminder", notification_text([nudge()], "names"))
    assert shown == [("Reminder", "1 thank-you owed (Ana)")]


def test_clicking_opens_the_item_or_today(qtbot: QtBot, tray: QSystemTrayIcon, shown: list[tuple[str, str]]) -> None:
    notifier = Notifier(tray)
    one = nudge()
    notifier.show("Reminder", "1 thank-you owed", one)
    with qtbot.waitSignal(notifier.item_requested) as blocker:
        tray.messageClicked.emit()
    assert blocker.args == [ItemKind.ACT, one.item_id]
    notifier.show("Reminders", "2 thank-yous owed", None)
    with qtbot.waitSignal(notifier.open_requested):
        tray.messageClicked.emit()


def test_no_tray_no_message(qtbot: QtBot, shown: list[tuple[str, str]]) -> None:
    notifier = Notifier(None)
    assert not notifier.show("Reminder", "1 reminder")
    assert shown == [] and notifier.last_shown == ("Reminder", "1 reminder")
