"""The tray icon as an object (the offscreen platform has no tray): badge, tooltip, and the menu rebuilt on
``aboutToShow``, driven by a real scheduler on a real journal. Done / Snooze / Pause from the menu are stored.

RELIABILITY G10 (the tooltip holds counts only), E18 (menu lines without invisible controls), C6 (locked: no
nudges listed, no actions offered).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QImage, QPainter
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import Act, ActKind, Direction, ItemKind, Person
from recipro_desktop.services import reminders as svc
from recipro_desktop.ui.reminder_scheduler import ReminderScheduler
from recipro_desktop.ui.tray_icon import (
    MENU_NUDGES,
    TrayIcon,
    TrayStyle,
    badge_icon,
    badge_text,
    choose_style,
    panel_is_dark,
    tooltip_text,
)
from tests.conftest import CANARY
from tests.ui import journal_fixtures
from tests.ui.journal_fixtures import NOW, JournalEnv

journal_env = journal_fixtures.journal_env  # the shared fixture, found by pytest under this name


@pytest.fixture
def tray(qtbot: QtBot, journal_env: JournalEnv) -> Iterator[tuple[TrayIcon, ReminderScheduler]]:
    journal_env.service.set_setting("digest", "off")
    scheduler = ReminderScheduler(journal_env.client, journal_env.clock, tz=UTC)
    icon = TrayIcon(journal_env.client)
    icon.attach(scheduler)
    yield icon, scheduler
    scheduler.stop()
    icon.hide()
    icon.deleteLater()


def owe(env: JournalEnv, name: str, summary: str = "Intro") -> None:
    person = env.service.add_person(Person(display_name=f"{name} Example", given_name=name))
    env.service.add_act(
        Act(
            occurred_on=NOW.date() - timedelta(days=5),
            direction=Direction.RECEIVED,
            kind=ActKind.FAVOR,
            summary=summary,
            people=(person.id,),
        )
    )


def start(qtbot: QtBot, env: JournalEnv, scheduler: ReminderScheduler) -> None:
    with qtbot.waitSignal(scheduler.checked, timeout=5000):
        scheduler.start()
    qtbot.waitUntil(lambda: not env.runner.busy, timeout=5000)


def texts(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def find(menu: QMenu, text: str) -> QAction:
    for action in menu.actions():
        if action.text() == text:
            return action
    raise AssertionError(f"no {text!r} in {texts(menu)}")


def test_menu_is_rebuilt_when_it_opens(
    qtbot: QtBot, journal_env: JournalEnv, tray: tuple[TrayIcon, ReminderScheduler]
) -> None:
    icon, scheduler = tray
    icon.menu.aboutToShow.emit()
    assert texts(icon.menu) == [
        "Open Recipro",
        "Quick add…",
        "Nothing due — all caught up",
        "Pause reminders",
        "Quit Recipro",
    ]
    owe(journal_env, "Ana", summary=f"Intro to \u202eLumen & Co {CANARY}")
    start(qtbot, journal_env, scheduler)
    icon.menu.aboutToShow.emit()  # what the user sees now, not what was there before
    lines = texts(icon.menu)
    assert lines[2] == "Due now (1)"
    assert lines[3].startswith("Thank Ana: Intro to Lumen && Co")  # & kept literal, RLO gone
    sub = find(icon.menu, lines[3]).menu()
    assert sub is not None and texts(sub) == ["Open", "Done", "Snooze 1 day", "Snooze 1 week"]


def test_menu_actions_emit_what_the_window_needs(
    qtbot: QtBot, journal_env: JournalEnv, tray: tuple[TrayIcon, ReminderScheduler]
) -> None:
    icon, scheduler = tray
    owe(journal_env, "Ana")
    start(qtbot, journal_env, scheduler)
    icon.menu.aboutToShow.emit()
    with qtbot.waitSignal(icon.open_requested):
        find(icon.menu, "Open Recipro").trigger()
    with qtbot.waitSignal(icon.quick_add_requested):
        find(icon.menu, "Quick add…").trigger()
    with qtbot.waitSignal(icon.quit_requested):
        find(icon.menu, "Quit Recipro").trigger()
    (nudge,) = scheduler.nudges
    sub = find(icon.menu, texts(icon.menu)[3]).menu()
    with qtbot.waitSignal(icon.item_requested) as blocker:
        find(sub, "Open").trigger()
    assert blocker.args == [ItemKind.ACT, nudge.item_id]


def test_done_from_the_menu_is_stored_and_clears_the_badge(
    qtbot: QtBot, journal_env: JournalEnv, tray: tuple[TrayIcon, ReminderScheduler]
) -> None:
    icon, scheduler = tray
    owe(journal_env, "Ana")
    owe(journal_env, "Bo")
    start(qtbot, journal_env, scheduler)
    assert icon.toolTip() == "Recipro — 2 things due"
    first, second = scheduler.nudges
    icon.menu.aboutToShow.emit()
    find(find(icon.menu, texts(icon.menu)[3]).menu(), "Done").trigger()
    find(find(icon.menu, texts(icon.menu)[4]).menu(), "Snooze 1 week").trigger()
    qtbot.waitUntil(lambda: not journal_env.runner.busy and scheduler.nudges == [], timeout=5000)
    assert icon.toolTip() == "Recipro — nothing due"
    state = svc.load_state(journal_env.service)
    assert state.dismissed[first.key].until is None
    assert state.dismissed[second.key].until == NOW + timedelta(days=7)


def test_pause_and_resume_from_the_menu(
    qtbot: QtBot, journal_env: JournalEnv, tray: tuple[TrayIcon, ReminderScheduler]
) -> None:
    icon, scheduler = tray
    start(qtbot, journal_env, scheduler)
    icon.menu.aboutToShow.emit()
    pause = find(icon.menu, "Pause reminders").menu()
    assert texts(pause) == ["For 1 hour", "Until tomorrow", "Resume"]
    assert not find(pause, "Resume").isEnabled()
    find(pause, "For 1 hour").trigger()
    qtbot.waitUntil(lambda: scheduler.paused_until is not None, timeout=5000)
    assert "Notifications paused until 10:00" in icon.toolTip()
    icon.menu.aboutToShow.emit()
    pause = find(icon.menu, "Reminders paused until 10:00").menu()
    find(pause, "Resume").trigger()
    qtbot.waitUntil(lambda: scheduler.paused_until is None, timeout=5000)
    assert svc.load_state(journal_env.service).paused_until is None


def test_long_lists_end_in_show_all(
    qtbot: QtBot, journal_env: JournalEnv, tray: tuple[TrayIcon, ReminderScheduler]
) -> None:
    icon, scheduler = tray
    for n in range(MENU_NUDGES + 3):
        owe(journal_env, f"P{n}")
    start(qtbot, journal_env, scheduler)
    icon.menu.aboutToShow.emit()
    lines = texts(icon.menu)
    assert lines[2] == f"Due now ({MENU_NUDGES + 3})"
    assert sum(line.startswith("Thank P") for line in lines) == MENU_NUDGES
    with qtbot.waitSignal(icon.open_requested):
        find(icon.menu, "Show all (3 more)…").trigger()


def test_locked_menu_lists_nothing_and_offers_no_action(
    qtbot: QtBot, journal_env: JournalEnv, tray: tuple[TrayIcon, ReminderScheduler]
) -> None:
    icon, scheduler = tray
    owe(journal_env, "Ana", summary=CANARY)
    start(qtbot, journal_env, scheduler)
    icon.set_locked(True)
    icon.menu.aboutToShow.emit()
    assert "Journal locked" in texts(icon.menu)
    assert not any(CANARY in t for t in texts(icon.menu))
    assert not find(icon.menu, "Pause reminders").isEnabled()
    assert icon.toolTip() == "Recipro — journal locked"


def test_tooltip_and_badge_hold_counts_only() -> None:
    """G10: the tooltip is visible to anyone looking at the screen."""
    assert tooltip_text(0) == "Recipro — nothing due"
    assert tooltip_text(1) == "Recipro — 1 thing due"
    assert badge_text(3) == "3" and badge_text(12) == "9+"


def test_badge_is_drawn_on_the_pending_icon(qtbot: QtBot) -> None:
    idle = badge_icon(0).pixmap(32, 32).toImage()
    three = badge_icon(3).pixmap(32, 32).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    nine = badge_icon(12).pixmap(32, 32).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    assert three != idle.convertToFormat(QImage.Format.Format_ARGB32) and three != nine
    corner = three.pixelColor(26, 6)  # inside the badge, top right
    assert (corner.red() > 180 and corner.green() < 120) or corner.lightness() > 200  # red badge or its white digit
    assert not badge_icon(3).isNull() and len(badge_icon(3).availableSizes()) >= 4


def test_tray_style_follows_the_setting_platform_and_panel() -> None:
    """Automatic never guesses a light glyph onto a panel that may be light: colour unless the panel is dark."""
    assert choose_style("auto", platform="win32", dark_panel=True) is TrayStyle.COLOUR
    assert choose_style("auto", platform="linux", dark_panel=True) is TrayStyle.LIGHT_GLYPH
    assert choose_style("auto", platform="linux", dark_panel=False) is TrayStyle.COLOUR
    assert choose_style("auto", platform="linux", dark_panel=None) is TrayStyle.COLOUR
    assert choose_style("monochrome", platform="linux", dark_panel=False) is TrayStyle.DARK_GLYPH
    assert choose_style("monochrome", platform="win32", dark_panel=None) is TrayStyle.LIGHT_GLYPH
    assert choose_style("colour", platform="darwin") is TrayStyle.COLOUR
    assert choose_style("auto", platform="darwin") is TrayStyle.TEMPLATE
    assert panel_is_dark({"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, Qt.ColorScheme.Light) is True  # the top bar
    assert panel_is_dark({"XDG_CURRENT_DESKTOP": "KDE"}, Qt.ColorScheme.Light) is False
    assert panel_is_dark({"XDG_CURRENT_DESKTOP": "KDE"}, Qt.ColorScheme.Dark) is True
    assert panel_is_dark({}, Qt.ColorScheme.Unknown) is None


def _contrast_pixels(image: QImage, background: QColor) -> int:
    """Pixels that differ clearly from ``background`` once the icon is drawn on it."""
    out = QImage(image.size(), QImage.Format.Format_ARGB32)
    out.fill(background)
    painter = QPainter(out)
    painter.drawImage(0, 0, image)
    painter.end()
    return sum(
        1
        for y in range(out.height())
        for x in range(out.width())
        if abs(out.pixelColor(x, y).lightness() - background.lightness()) > 90
    )


@pytest.mark.parametrize(
    ("style", "panel"), [(TrayStyle.LIGHT_GLYPH, "#1f2023"), (TrayStyle.DARK_GLYPH, "#eeeeee")], ids=["dark", "light"]
)
def test_monochrome_icon_reads_on_its_panel_with_a_readable_badge(qtbot: QtBot, style: TrayStyle, panel: str) -> None:
    background = QColor(panel)
    idle = badge_icon(0, style).pixmap(22, 22).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    assert _contrast_pixels(idle, background) > 22 * 22 // 8, "the glyph stands out from its panel"
    pixels = [idle.pixelColor(x, y) for y in range(22) for x in range(22)]
    colours = {c.name() for c in pixels if c.alpha() > 250}
    assert len(colours) == 1, "monochrome: one colour (antialiasing only changes alpha)"
    three = badge_icon(3, style).pixmap(32, 32).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    disc = [three.pixelColor(x, y) for y in range(0, 14) for x in range(18, 32)]  # the badge's corner
    reds = [c for c in disc if c.alpha() > 250 and c.red() > 180 and c.green() < 120 and c.blue() < 120]
    # (counted, not probed at one pixel: where the digit's strokes fall depends on the platform's font)
    assert len(reds) > len(disc) // 4, "the count badge is red on a monochrome icon too"
    digit = [three.pixelColor(x, 8) for x in range(20, 31)]
    assert any(c.lightness() > 200 for c in digit), "its digit is white"


def test_macos_template_is_a_black_mask_with_the_count_cut_out(qtbot: QtBot) -> None:
    """Untested on macOS itself (nothing runs it here): the image is what AppKit expects of a template."""
    qicon = badge_icon(3, TrayStyle.TEMPLATE)
    assert qicon.isMask()
    image = qicon.pixmap(32, 32).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    opaque = [image.pixelColor(x, y) for y in range(32) for x in range(32) if image.pixelColor(x, y).alpha() > 0]
    assert opaque and all(c.red() == c.green() == c.blue() == 0 for c in opaque), "black + alpha only"
    disc = [image.pixelColor(x, y).alpha() for y in range(2, 16) for x in range(19, 31)]
    assert max(disc) == 255 and min(disc) == 0, "a black disc with the digit cut out"
