"""When the desktop has no system tray: say so once, and keep reminders in the window (and in notifications).

Some desktops (GNOME without an AppIndicator extension, many tiling window managers, Wayland sessions without a
StatusNotifier host) show no tray icons. Recipro then must not hide in a tray nobody can see: closing the window
quits, reminders stay visible in the status bar (``ReminderStatusWidget``) and the Today view, and where the
session has a notification service (GNOME always does) they still pop up as desktop notifications while Recipro
runs. The user is told once why (remembered in ``QSettings``, so it is not repeated every start), with the text
for what this desktop has (:func:`notice_text`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox, QSystemTrayIcon, QWidget

SETTINGS_KEY = "tray/no_tray_notice_shown"

TITLE = "No system tray"
TEXT = (
    "Your desktop does not show a system tray, so Recipro cannot wait there for you.\n\n"
    "Reminders are in the window instead: the count at the bottom right and the Today view. Closing the window "
    "quits Recipro; reminders that fall due while it is closed are shown the next time you open it."
)
TEXT_WITH_NOTIFICATIONS = (
    "Your desktop does not show a system tray, so Recipro cannot wait there for you.\n\n"
    "While Recipro is open (minimised is fine), reminders still pop up as desktop notifications, and the window "
    "keeps them too: the count at the bottom right and the Today view. Closing the window quits Recipro; "
    "reminders that fall due while it is closed are shown the next time you open it."
)


def notice_text(notifications: bool) -> str:
    """The notice for a desktop without a tray, with or without a notification service."""
    return TEXT_WITH_NOTIFICATIONS if notifications else TEXT


class NoTrayNotice:
    """Decides whether the tray can be used, and tells the user once when it cannot.

    Args:
        settings: where "already told" is remembered (the app's ``QSettings``).
        available: the tray check (default ``QSystemTrayIcon.isSystemTrayAvailable``; tests pass a fake).
    """

    def __init__(self, settings: QSettings, available: Callable[[], bool] | None = None) -> None:
        self._settings = settings
        self._available = available or QSystemTrayIcon.isSystemTrayAvailable

    def tray_available(self) -> bool:
        return bool(self._available())

    def already_shown(self) -> bool:
        return self._settings.value(SETTINGS_KEY, False, type=bool) is True

    def maybe_show(self, parent: QWidget | None, *, notifications: bool = False) -> bool:
        """Show the notice if there is no tray and it was never shown; returns whether there is no tray.

        A tray that appears later (an extension installed) needs no notice; the remembered flag is kept so the
        user is not told again if it disappears.
        """
        if self.tray_available():
            return False
        if not self.already_shown():
            self._settings.setValue(SETTINGS_KEY, True)
            self._settings.sync()
            QMessageBox.information(parent, TITLE, notice_text(notifications))
        return True
