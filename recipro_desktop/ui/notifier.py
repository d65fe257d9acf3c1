"""Shows reminder notifications through the tray, safely: no markup, no invisible controls, nothing private by default.

What a notification *says* is decided by the privacy setting before it gets here (counts by default, counts
with first names, or full titles: ``core.reminders.notification_text``); the title never holds a name. This
class makes the text safe to hand to the platform (RELIABILITY G3, E18):

- bidi overrides and zero-width characters are removed (``core.text.strip_invisible``), so a name cannot be made
  to render backwards or to look like another;
- on Linux and the BSDs, ``QSystemTrayIcon.showMessage`` goes to the freedesktop notification server, and many
  of those interpret a subset of HTML in the body: ``&``, ``<`` and ``>`` are escaped there, so a note reading
  ``<img src=...>`` is shown, not rendered or fetched. Windows and macOS show plain text, so nothing is escaped
  (an escaped ``&amp;`` would show as such);
- long bodies are cut (notification servers truncate unpredictably).

A click on a notification opens the item it was about, or the Today view when it covered several.

Signals:
    item_requested(object, object): the ``ItemKind`` and id of the item to open.
    open_requested(): open the window (on Today) for a notification about several things.
"""

from __future__ import annotations

import html
import logging
import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from recipro_desktop.core.models import ItemKind
from recipro_desktop.core.reminders import Nudge
from recipro_desktop.core.text import strip_invisible
from recipro_desktop.ui.icons import icon

log = logging.getLogger(__name__)

TEXT_MAX = 400
TITLE_MAX = 80
SHOW_MS = 10_000

_PLAIN_TEXT_PLATFORMS = ("win32", "cygwin", "darwin")


def interprets_markup(platform: str = sys.platform) -> bool:
    """Whether notification bodies on ``platform`` may be read as markup (freedesktop servers)."""
    return not platform.startswith(_PLAIN_TEXT_PLATFORMS)


def safe_text(text: str, *, limit: int = TEXT_MAX, platform: str = sys.platform) -> str:
    """``text`` fit for a notification: invisible controls removed, cut to ``limit``, escaped where needed."""
    cleaned = strip_invisible(text).replace("\r\n", "\n").strip()
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return html.escape(cleaned, quote=False) if interprets_markup(platform) else cleaned


def click_target(nudge: Nudge | None) -> tuple[ItemKind, object] | None:
    """What a click on a notification about ``nudge`` opens (the item; a person for person rules)."""
    return None if nudge is None else (nudge.item_kind, nudge.item_id)


class Notifier(QObject):
    """Puts notifications on screen through a tray icon and turns clicks into "open this" requests.

    Args:
        tray: the tray icon to show messages through (``None``: no tray; :meth:`show` only records the last).
        parent: the Qt parent.
        platform: ``sys.platform`` (tests fake it to check the escaping rule).

    Signals: see the module docstring.
    """

    item_requested = Signal(object, object)
    open_requested = Signal()

    def __init__(
        self, tray: QSystemTrayIcon | None = None, parent: QObject | None = None, *, platform: str = sys.platform
    ) -> None:
        super().__init__(parent)
        self._tray: QSystemTrayIcon | None = None
        self._platform = platform
        self._target: tuple[ItemKind, object] | None = None
        self.last_shown: tuple[str, str] | None = None
        if tray is not None:
            self.set_tray(tray)

    def set_tray(self, tray: QSystemTrayIcon | None) -> None:
        if self._tray is not None:
            self._tray.messageClicked.disconnect(self._on_clicked)
        self._tray = tray
        if tray is not None:
            tray.messageClicked.connect(self._on_clicked)

    def show(self, title: str, text: str, target: Nudge | None = None) -> bool:
        """Show a notification; returns False when there is no visible tray to show it through.

        ``title`` and ``text`` are already worded for the privacy setting; they are made safe here.
        """
        safe_title = safe_text(title, limit=TITLE_MAX, platform=self._platform)
        safe_body = safe_text(text, platform=self._platform)
        self._target = click_target(target)
        self.last_shown = (safe_title, safe_body)
        tray = self._tray
        if tray is None or not tray.isVisible():
            log.debug("notification not shown: no tray")
            return False
        tray.showMessage(safe_title, safe_body, icon("app"), SHOW_MS)
        return True

    def _on_clicked(self) -> None:
        target = self._target
        if target is None:
            self.open_requested.emit()
        else:
            self.item_requested.emit(*target)
