"""Shows reminder notifications safely, by the best path the desktop has, and turns the user's answer into actions.

**Which path** (:class:`NotificationPath`, decided at each notification, shown in Settings › Reminders):

1. ``desktop`` — on Linux and the BSDs, the freedesktop notification service over D-Bus
   (:class:`~recipro_desktop.ui.desktop_notifications.DesktopNotifications`). It needs no tray, so it works on
   GNOME without the AppIndicator extension. The notification offers **Done** and **Snooze** (a day) when it is
   about one nudge and the server advertises ``actions``; a click (the ``default`` action) opens the item, or
   Today for a notification about several. Each notification replaces the previous one.
2. ``tray`` — ``QSystemTrayIcon.showMessage`` (Windows and macOS always; Linux when the session has no
   notification service); a click opens the item or Today.
3. ``none`` — neither: reminders show in the window's status bar and the Today view only.

**What it says** is decided by the privacy setting before it gets here (counts by default, counts with first
names, or full titles: ``core.reminders.notification_text``); the title never holds a name. This class makes the
text safe to hand to the platform (RELIABILITY G3, E18):

- bidi overrides and zero-width characters are removed (``core.text.strip_invisible``), so a name cannot be made
  to render backwards or to look like another;
- markup: a freedesktop server reads the body as markup only when it advertises ``body-markup``; then ``&``,
  ``<`` and ``>`` are escaped, so a note reading ``<img src=...>`` is shown, not rendered or fetched; otherwise
  the text goes as it is (an escaped ``&amp;`` would show as such). The summary is plain text by the spec. On
  the tray path, Linux balloons may render rich text, so they are escaped there; Windows and macOS show plain
  text;
- long bodies are cut (notification servers truncate unpredictably).

The answers go to the same code as the tray menu's: :attr:`Notifier.done_requested` and
:attr:`Notifier.snooze_requested` are connected to ``ReminderScheduler.mark_done`` and ``snooze`` by the
reminder center, exactly like ``TrayIcon.done_requested``/``snooze_requested``.

Signals:
    item_requested(object, object): the ``ItemKind`` and id of the item to open.
    open_requested(): open the window (on Today) for a notification about several things.
    done_requested(object): the user chose Done on a notification about this ``Nudge``.
    snooze_requested(object, object): the user chose Snooze: the ``Nudge`` and the ``timedelta``.
    path_changed(str): the path notifications take now changed (its description, see :func:`describe_path`).
"""

from __future__ import annotations

import enum
import html
import logging
import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from recipro_desktop.core.models import ItemKind
from recipro_desktop.core.reminders import Nudge
from recipro_desktop.core.text import strip_invisible
from recipro_desktop.services.reminders import SNOOZE_DAY
from recipro_desktop.ui.desktop_notifications import DesktopNotifications, ServerInfo
from recipro_desktop.ui.icons import icon

log = logging.getLogger(__name__)

TEXT_MAX = 400
TITLE_MAX = 80
SHOW_MS = 10_000

ACTION_OPEN = "default"
ACTION_DONE = "done"
ACTION_SNOOZE = "snooze"
ACTION_LABELS = {ACTION_OPEN: "Open", ACTION_DONE: "Done", ACTION_SNOOZE: "Snooze 1 day"}

_PLAIN_TEXT_PLATFORMS = ("win32", "cygwin", "darwin")


class NotificationPath(enum.StrEnum):
    DESKTOP = "desktop"
    TRAY = "tray"
    NONE = "none"


def describe_path(path: NotificationPath, server: ServerInfo | None = None) -> str:
    """What Settings says about ``path``: "desktop notification service (dunst 1.9)", "tray balloons"..."""
    if path is NotificationPath.DESKTOP:
        return f"desktop notification service ({server.describe()})" if server else "desktop notification service"
    if path is NotificationPath.TRAY:
        return "tray balloons"
    return "none available — reminders show in the window's status bar"


def choose_path(desktop: DesktopNotifications | None, tray_usable: bool) -> NotificationPath:
    """The one rule: the notification service when it answered, else the tray, else nothing."""
    if desktop is not None and desktop.server is not None:
        return NotificationPath.DESKTOP
    return NotificationPath.TRAY if tray_usable else NotificationPath.NONE


def interprets_markup(platform: str = sys.platform) -> bool:
    """Whether tray balloons on ``platform`` may read text as markup (Linux/BSD; not Windows or macOS)."""
    return not platform.startswith(_PLAIN_TEXT_PLATFORMS)


def clean_text(text: str, *, limit: int = TEXT_MAX) -> str:
    """``text`` without invisible controls, with plain newlines, cut to ``limit`` (not escaped)."""
    cleaned = strip_invisible(text).replace("\r\n", "\n").strip()
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


def safe_text(text: str, *, limit: int = TEXT_MAX, platform: str = sys.platform) -> str:
    """``text`` fit for a tray balloon: invisible controls removed, cut to ``limit``, escaped where needed."""
    cleaned = clean_text(text, limit=limit)
    return html.escape(cleaned, quote=False) if interprets_markup(platform) else cleaned


def click_target(nudge: Nudge | None) -> tuple[ItemKind, object] | None:
    """What a click on a notification about ``nudge`` opens (the item; a person for person rules)."""
    return None if nudge is None else (nudge.item_kind, nudge.item_id)


class Notifier(QObject):
    """Puts notifications on screen (desktop service, tray or nothing) and turns answers into requests.

    Args:
        tray: the tray icon for balloons (``None``: no tray).
        parent: the Qt parent.
        platform: ``sys.platform`` (tests fake it to check the escaping rule).
        desktop: the freedesktop notification client (``None`` on Windows and macOS, or to use the tray only).
            Its probe is started here if nobody started it.

    Signals: see the module docstring.
    """

    item_requested = Signal(object, object)
    open_requested = Signal()
    done_requested = Signal(object)
    snooze_requested = Signal(object, object)
    path_changed = Signal(str)

    def __init__(
        self,
        tray: QSystemTrayIcon | None = None,
        parent: QObject | None = None,
        *,
        platform: str = sys.platform,
        desktop: DesktopNotifications | None = None,
    ) -> None:
        super().__init__(parent)
        self._tray: QSystemTrayIcon | None = None
        self._platform = platform
        self._desktop = desktop
        self._nudge: Nudge | None = None
        self._pending: tuple[str, str, Nudge | None] | None = None
        self._last_path: NotificationPath | None = None
        self.last_shown: tuple[str, str] | None = None
        self.last_path: NotificationPath | None = None
        if tray is not None:
            self.set_tray(tray)
        if desktop is not None:
            desktop.server_changed.connect(self._on_server_changed)
            desktop.action_invoked.connect(self._on_action)
            if not desktop.probed:
                desktop.probe()

    # --- state -------------------------------------------------------------------------------------------

    @property
    def desktop(self) -> DesktopNotifications | None:
        return self._desktop

    @property
    def ready(self) -> bool:
        """The path is known (the notification service answered or is known to be absent)."""
        return self._desktop is None or self._desktop.probed

    @property
    def path(self) -> NotificationPath:
        """The path the next notification takes."""
        tray = self._tray
        return choose_path(self._desktop, tray is not None and tray.isVisible())

    def describe(self) -> str:
        return describe_path(self.path, self._desktop.server if self._desktop is not None else None)

    def set_tray(self, tray: QSystemTrayIcon | None) -> None:
        if self._tray is not None:
            self._tray.messageClicked.disconnect(self._on_clicked)
        self._tray = tray
        if tray is not None:
            tray.messageClicked.connect(self._on_clicked)

    # --- showing -----------------------------------------------------------------------------------------

    def show(self, title: str, text: str, target: Nudge | None = None) -> bool:
        """Show a notification; returns False when no path could show it.

        ``title`` and ``text`` are already worded for the privacy setting; they are made safe here. Before the
        notification service has answered the first probe, the notification waits for the answer (a few ms).
        """
        self._nudge = target
        if not self.ready:
            self._pending = (title, text, target)
            return True
        path = self.path
        if path is NotificationPath.DESKTOP and self._show_desktop(title, text, target):
            self._shown(NotificationPath.DESKTOP)
            return True
        tray = self._tray
        safe_title = safe_text(title, limit=TITLE_MAX, platform=self._platform)
        safe_body = safe_text(text, platform=self._platform)
        self.last_shown = (safe_title, safe_body)
        if tray is None or not tray.isVisible():
            log.debug("notification not shown: no notification service and no tray")
            self._shown(NotificationPath.NONE)
            return False
        tray.showMessage(safe_title, safe_body, icon("app"), SHOW_MS)
        self._shown(NotificationPath.TRAY)
        return True

    def _show_desktop(self, title: str, text: str, target: Nudge | None) -> bool:
        desktop = self._desktop
        server = desktop.server if desktop is not None else None
        if desktop is None or server is None:
            return False
        summary = clean_text(title, limit=TITLE_MAX)
        body = clean_text(text)
        if server.body_markup:
            body = html.escape(body, quote=False)
        keys = [ACTION_OPEN] + ([ACTION_DONE, ACTION_SNOOZE] if target is not None else [])
        if desktop.notify(summary, body, [(key, ACTION_LABELS[key]) for key in keys]):
            self.last_shown = (summary, body)
            return True
        return False

    def _shown(self, path: NotificationPath) -> None:
        self.last_path = path
        if path is not self._last_path:
            self._last_path = path
            log.info("notifications go through: %s", path.value)

    def withdraw(self) -> None:
        """Take a desktop notification down (the journal was locked, or its nudge was handled)."""
        self._pending = None
        if self._desktop is not None:
            self._desktop.close()

    # --- answers -----------------------------------------------------------------------------------------

    def _on_server_changed(self, _server: object) -> None:
        self.path_changed.emit(self.describe())
        pending, self._pending = self._pending, None
        if pending is not None:
            self.show(*pending)

    def _on_clicked(self) -> None:
        target = click_target(self._nudge)
        if target is None:
            self.open_requested.emit()
        else:
            self.item_requested.emit(*target)

    def _on_action(self, key: str) -> None:
        nudge = self._nudge
        if key == ACTION_DONE and nudge is not None:
            self.done_requested.emit(nudge)
            self.withdraw()
        elif key == ACTION_SNOOZE and nudge is not None:
            self.snooze_requested.emit(nudge, SNOOZE_DAY)
            self.withdraw()
        else:
            self._on_clicked()
