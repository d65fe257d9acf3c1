"""Recipro in the system tray: a badge with what is due, and a menu to act on it without opening the window.

As in Vorta's tray, the context menu is **rebuilt every time it is about to show** (``aboutToShow``), from the
nudges the :class:`~recipro_desktop.ui.reminder_scheduler.ReminderScheduler` last found, so it is never stale
and costs nothing while closed. The icon is ``tray-idle`` with nothing due and ``tray-pending`` with a count
badge painted on it otherwise; the tooltip holds counts only (it is visible to anyone glancing at the screen,
RELIABILITY G10). The menu, opened by the user, lists today's nudges by title (like the window does).

**Styles** (:class:`TrayStyle`, the ``tray_icon`` setting: automatic, colour, monochrome). The colour icon is a
tile that reads on any panel. The monochrome one is the bare glyph (``tray-symbolic``) recoloured for the panel:
light on a dark panel, dark on a light one, with the same red count badge (white digits, a ring cut out of the
glyph so it stays legible on both). On macOS it is a *template image* (black + alpha, ``QIcon.setIsMask``) that
the menu bar tints itself; the badge is a black disc with the digits cut out. (The macOS path is not exercised
here: nothing runs macOS in CI.)

*Automatic* chooses what cannot go wrong: a template on macOS (the menu bar's convention, the system tints it);
colour on Windows (third-party tray icons are in colour there, and taskbars are light or dark); on Linux and the
BSDs monochrome **only when the panel is known to be dark** (GNOME Shell's top bar is dark in light and dark mode
alike; or the system colour scheme is dark), colour otherwise: a light glyph guessed onto a light panel would be
invisible, a colour tile never is. The panel's colour is not something an app can read, so this is a guess made
from the desktop name and ``QStyleHints.colorScheme``, redone when the scheme changes.

Wiring: :meth:`TrayIcon.attach` connects a scheduler (nudges, pause state and the Done / Snooze / Pause actions);
the window listens to :attr:`open_requested`, :attr:`quick_add_requested`, :attr:`item_requested` and
:attr:`quit_requested`. Notifications are not the tray's business: the reminder center's
:class:`~recipro_desktop.ui.notifier.Notifier` shows them (through the desktop's notification service, or
through this icon's balloons), and routes their Done / Snooze to the same scheduler methods as this menu.

Signals:
    open_requested(): show and raise the main window (on Today).
    quick_add_requested(): open Quick add.
    quit_requested(): quit the app (the window's close button only hides it while the tray exists).
    item_requested(object, object): open an item (``ItemKind``, id).
    done_requested(object), snooze_requested(object, object), pause_requested(object), resume_requested():
        what the user chose for a nudge (``Nudge``; ``timedelta``) or for notifications (``timedelta`` or the
        string ``"tomorrow"``). :meth:`attach` routes them to the scheduler.
"""

from __future__ import annotations

import enum
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QFont, QGuiApplication, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from recipro_desktop import APP_NAME
from recipro_desktop.core.reminders import Nudge, NudgeRule
from recipro_desktop.core.text import strip_invisible
from recipro_desktop.services.reminders import RULE_LABELS, SNOOZE_DAY, SNOOZE_WEEK
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.reminder_scheduler import ReminderScheduler

log = logging.getLogger(__name__)

MENU_NUDGES = 8
"""At most this many nudges in the menu; the rest are one "Show all" away."""

MENU_TITLE_MAX = 60
BADGE_COLOR = QColor("#e5484d")  # the accent of tray-pending.svg's dot
ICON_SIZES = (16, 22, 24, 32, 48, 64)

_RULE_ICONS: dict[NudgeRule, str] = {
    NudgeRule.THANKS_OWED: "item-act-received",
    NudgeRule.PROMISE_DUE_MINE: "item-promise",
    NudgeRule.PROMISE_DUE_THEIRS: "item-promise",
    NudgeRule.KEEP_IN_TOUCH: "item-interaction",
    NudgeRule.NEED_FOLLOW_UP: "item-need",
    NudgeRule.BIRTHDAY: "act-gift",
    NudgeRule.USER_REMINDER: "item-reminder",
}


GLYPH_ON_DARK = QColor("#f2f3f5")  # a light glyph for dark panels
GLYPH_ON_LIGHT = QColor("#2e3338")  # a dark glyph for light panels
TEMPLATE_BLACK = QColor("black")  # macOS template images: black + alpha, tinted by the menu bar


class TrayStyle(enum.StrEnum):
    COLOUR = "colour"
    LIGHT_GLYPH = "light-glyph"  # monochrome, for a dark panel
    DARK_GLYPH = "dark-glyph"  # monochrome, for a light panel
    TEMPLATE = "template"  # macOS menu bar


def panel_is_dark(env: Mapping[str, str] | None = None, scheme: Qt.ColorScheme | None = None) -> bool | None:
    """Whether the panel the tray sits on is dark: True, False, or None when nothing says.

    GNOME Shell's top bar is dark in both schemes; elsewhere the panel follows the system colour scheme.
    """
    env = os.environ if env is None else env
    desktops = env.get("XDG_CURRENT_DESKTOP", "").casefold().split(":")
    if "gnome" in desktops or "ubuntu" in desktops:
        return True
    if scheme is None:
        app = QGuiApplication.instance()
        scheme = app.styleHints().colorScheme() if isinstance(app, QGuiApplication) else Qt.ColorScheme.Unknown
    if scheme is Qt.ColorScheme.Dark:
        return True
    return False if scheme is Qt.ColorScheme.Light else None


def choose_style(setting: str, *, platform: str = sys.platform, dark_panel: bool | None = None) -> TrayStyle:
    """The style for the ``tray_icon`` setting (``auto``/``colour``/``monochrome``) here; see the module docstring."""
    if setting == "colour":
        return TrayStyle.COLOUR
    if platform == "darwin":
        return TrayStyle.TEMPLATE
    if setting == "monochrome":
        return TrayStyle.DARK_GLYPH if dark_panel is False else TrayStyle.LIGHT_GLYPH
    if platform.startswith(("win32", "cygwin")):
        return TrayStyle.COLOUR
    return TrayStyle.LIGHT_GLYPH if dark_panel else TrayStyle.COLOUR


def badge_text(count: int) -> str:
    return str(count) if count < 10 else "9+"


def _glyph(name: str, size: int, color: QColor) -> QPixmap:
    """The monochrome SVG ``name`` rendered at ``size`` px in ``color`` (its alpha kept)."""
    pixmap = icon(name).pixmap(size, size)
    pixmap.setDevicePixelRatio(1.0)
    painter = QPainter(pixmap)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(pixmap.rect(), color)
    painter.end()
    return pixmap


def _base(style: TrayStyle, pending: bool, size: int) -> QPixmap:
    if style is TrayStyle.COLOUR:
        pixmap = icon("tray-pending" if pending else "tray-idle").pixmap(size, size)
        pixmap.setDevicePixelRatio(1.0)
        return pixmap
    color = {TrayStyle.LIGHT_GLYPH: GLYPH_ON_DARK, TrayStyle.DARK_GLYPH: GLYPH_ON_LIGHT}.get(style, TEMPLATE_BLACK)
    return _glyph("tray-symbolic-pending" if pending else "tray-symbolic", size, color)


def badge_icon(count: int, style: TrayStyle = TrayStyle.COLOUR) -> QIcon:
    """The tray icon in ``style``: idle for nothing due; pending with ``count`` in a badge otherwise."""
    if count <= 0 and style is TrayStyle.COLOUR:
        return icon("tray-idle")
    out = QIcon()
    text = badge_text(count)
    for size in ICON_SIZES:
        pixmap = _base(style, count > 0, size)
        if count > 0:
            _paint_badge(pixmap, size, text, style)
        out.addPixmap(pixmap)
    if style is TrayStyle.TEMPLATE:
        out.setIsMask(True)
    return out


def _paint_badge(pixmap: QPixmap, size: int, text: str, style: TrayStyle) -> None:
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    diameter = size * (0.62 if len(text) > 1 else 0.56)
    rect = QRectF(size - diameter, 0, diameter, diameter)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(6, int(diameter * (0.62 if len(text) == 1 else 0.5))))
    painter.setFont(font)
    if style is TrayStyle.COLOUR:
        painter.setPen(QColor("white"))
        painter.setBrush(BADGE_COLOR)
        painter.drawEllipse(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    else:
        ring = max(1.0, size / 16)  # a transparent ring parts the badge from the glyph on any panel
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("black"))
        painter.drawEllipse(rect.adjusted(-ring, -ring, ring, ring))
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        painter.setBrush(TEMPLATE_BLACK if style is TrayStyle.TEMPLATE else BADGE_COLOR)
        painter.drawEllipse(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        if style is TrayStyle.TEMPLATE:  # a mask has one colour: the digits are cut out of the disc
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()


def tooltip_text(count: int, paused_until: datetime | None = None, *, locked: bool = False) -> str:
    """Counts only: the tooltip shows to anyone glancing at the screen."""
    if locked:
        status = "journal locked"
    elif count == 0:
        status = "nothing due"
    else:
        status = f"{count} thing{'' if count == 1 else 's'} due"
    text = f"{APP_NAME} — {status}"
    if paused_until is not None:
        text += f"\nNotifications paused until {paused_until:%H:%M}"
    return text


def menu_title(nudge: Nudge) -> str:
    """One menu line: the title (it already says what to do; the icon shows the kind), invisible controls
    removed, cut to :data:`MENU_TITLE_MAX`, ``&`` kept literal (not a mnemonic)."""
    title = strip_invisible(nudge.title)
    if len(title) > MENU_TITLE_MAX:
        title = title[: MENU_TITLE_MAX - 1].rstrip() + "…"
    return title.replace("&", "&&")


class TrayIcon(QSystemTrayIcon):
    """The tray icon, its badge and tooltip, and its menu (rebuilt when opened).

    Args:
        client: the journal client (kept for actions that need the journal; the menu itself never queries).
        parent: the Qt parent (the application or the controller).

    Signals: see the module docstring.
    """

    open_requested = Signal()
    quick_add_requested = Signal()
    quit_requested = Signal()
    item_requested = Signal(object, object)
    done_requested = Signal(object)
    snooze_requested = Signal(object, object)
    pause_requested = Signal(object)
    resume_requested = Signal()

    def __init__(self, client: JournalClient | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._nudges: tuple[Nudge, ...] = ()
        self._paused_until: datetime | None = None
        self._locked = False
        self._scheduler: ReminderScheduler | None = None
        self._style_setting = "auto"
        self._menu = QMenu()
        self._menu.setAccessibleName(f"{APP_NAME} menu")
        self._menu.aboutToShow.connect(self.rebuild_menu)
        self.setContextMenu(self._menu)
        self.activated.connect(self._on_activated)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):  # a light/dark switch may move the panel's colour too
            app.styleHints().colorSchemeChanged.connect(self._on_scheme_changed)  # a method: dropped with the icon
        self._refresh_icon()
        self.rebuild_menu()

    # --- state -------------------------------------------------------------------------------------------

    @property
    def menu(self) -> QMenu:
        return self._menu

    @property
    def nudges(self) -> list[Nudge]:
        return list(self._nudges)

    def set_nudges(self, nudges: Sequence[Nudge]) -> None:
        self._nudges = tuple(nudges)
        self._refresh_icon()

    def set_paused(self, until: datetime | None) -> None:
        self._paused_until = until
        self._refresh_icon()

    @property
    def style(self) -> TrayStyle:
        """The style the icon is drawn in now (the setting, the platform and the panel's guessed colour)."""
        return choose_style(self._style_setting, dark_panel=panel_is_dark())

    def set_style(self, setting: object) -> None:
        """Follow the ``tray_icon`` setting (``auto``, ``colour`` or ``monochrome``)."""
        self._style_setting = str(setting) if setting in ("auto", "colour", "monochrome") else "auto"
        self._refresh_icon()

    def set_locked(self, locked: bool) -> None:
        """While locked the menu lists no nudges and offers no action on them (nothing can be stored)."""
        self._locked = locked
        self._refresh_icon()

    def attach(self, scheduler: ReminderScheduler) -> None:
        """Follow ``scheduler`` (nudges, pause) and send the user's choices to it."""
        scheduler.nudges_changed.connect(self.set_nudges)
        scheduler.paused_changed.connect(self.set_paused)
        self.done_requested.connect(scheduler.mark_done)
        self.snooze_requested.connect(scheduler.snooze)
        self.pause_requested.connect(
            lambda what: scheduler.pause_until_tomorrow() if what == "tomorrow" else scheduler.pause_for(what)
        )
        self.resume_requested.connect(scheduler.resume)
        self._scheduler = scheduler
        self.set_nudges(scheduler.nudges)
        self.set_paused(scheduler.paused_until)

    @Slot(Qt.ColorScheme)
    def _on_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        self._refresh_icon()

    def _refresh_icon(self) -> None:
        count = 0 if self._locked else len(self._nudges)
        self.setIcon(badge_icon(count, self.style))
        self.setToolTip(tooltip_text(count, self._paused_until, locked=self._locked))

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()

    # --- the menu ----------------------------------------------------------------------------------------

    def rebuild_menu(self) -> None:
        """Fill the menu from the current nudges (connected to ``aboutToShow``)."""
        menu = self._menu
        for action in menu.actions():
            submenu = action.menu()
            if submenu is not None:
                submenu.deleteLater()
        menu.clear()
        self._add(menu, f"Open {APP_NAME}", self.open_requested.emit, icon_name="app")
        self._add(menu, "Quick add…", self.quick_add_requested.emit, icon_name="nav-add")
        menu.addSeparator()
        self._add_nudges(menu)
        menu.addSeparator()
        pause = menu.addMenu("Pause reminders")
        pause.setEnabled(not self._locked)
        self._add(pause, "For 1 hour", lambda: self.pause_requested.emit(timedelta(hours=1)))
        self._add(pause, "Until tomorrow", lambda: self.pause_requested.emit("tomorrow"))
        pause.addSeparator()
        resume = self._add(pause, "Resume", self.resume_requested.emit)
        resume.setEnabled(self._paused_until is not None)
        if self._paused_until is not None:
            pause.setTitle(f"Reminders paused until {self._paused_until:%H:%M}")
        menu.addSeparator()
        self._add(menu, f"Quit {APP_NAME}", self.quit_requested.emit)

    def _add_nudges(self, menu: QMenu) -> None:
        if self._locked:
            menu.addAction("Journal locked").setEnabled(False)
            return
        count = len(self._nudges)
        header = menu.addAction("Nothing due — all caught up" if count == 0 else f"Due now ({count})")
        header.setEnabled(False)
        for nudge in self._nudges[:MENU_NUDGES]:
            sub = menu.addMenu(icon(_RULE_ICONS[nudge.rule]), menu_title(nudge))
            sub.menuAction().setToolTip(RULE_LABELS[nudge.rule])
            self._add(sub, "Open", lambda n=nudge: self.item_requested.emit(n.item_kind, n.item_id))
            self._add(sub, "Done", lambda n=nudge: self.done_requested.emit(n))
            self._add(sub, "Snooze 1 day", lambda n=nudge: self.snooze_requested.emit(n, SNOOZE_DAY))
            self._add(sub, "Snooze 1 week", lambda n=nudge: self.snooze_requested.emit(n, SNOOZE_WEEK))
        if count > MENU_NUDGES:
            self._add(menu, f"Show all ({count - MENU_NUDGES} more)…", self.open_requested.emit)

    @staticmethod
    def _add(menu: QMenu, text: str, slot: object, *, icon_name: str | None = None) -> QAction:
        action = menu.addAction(icon(icon_name), text) if icon_name else menu.addAction(text)
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return action
