"""Where reminders live once a journal is open: the scheduler, the tray (or its stand-ins) and the window.

Vorta's pattern: with a system tray, closing the window keeps Recipro running in the tray, which shows a count
badge and a menu rebuilt each time it opens. Without a tray the user is told so once, closing the window quits,
and reminders stay in the window (the status-bar count and the Today view). Either way the status-bar count is
there, so a glance at the window always says how many nudges wait.

Notifications do not depend on the tray: the :class:`~recipro_desktop.ui.notifier.Notifier` uses the desktop's
notification service where there is one (Linux, BSD), the tray's balloons otherwise, and its Done / Snooze go to
the scheduler's ``mark_done`` / ``snooze``, the same methods the tray menu calls. While the journal is locked the
notification on screen is taken down.
"""

from __future__ import annotations

import logging
from uuid import UUID

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from recipro_desktop import APP_NAME, APP_REVERSE_DNS
from recipro_desktop.core.clock import Clock
from recipro_desktop.core.models import ItemKind
from recipro_desktop.ui.desktop_notifications import DesktopNotifications, supported_platform
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.main_window import MainWindow
from recipro_desktop.ui.no_tray_notice import SETTINGS_KEY as NO_TRAY_KEY
from recipro_desktop.ui.no_tray_notice import TITLE as NO_TRAY_TITLE
from recipro_desktop.ui.no_tray_notice import NoTrayNotice, notice_text
from recipro_desktop.ui.notifier import NotificationPath, Notifier
from recipro_desktop.ui.reminder_scheduler import ReminderScheduler
from recipro_desktop.ui.reminder_status_widget import ReminderStatusWidget
from recipro_desktop.ui.tray_icon import TrayIcon

log = logging.getLogger(__name__)

# The page that shows an item of each kind when a nudge about it is clicked (people open their own page).
PAGE_FOR_KIND = {
    ItemKind.ACT: "gratitude",
    ItemKind.NEED: "needs",
    ItemKind.COMMITMENT: "today",
    ItemKind.REMINDER: "today",
}


class ReminderCenter(QObject):
    """Owns the reminder scheduler and shows its nudges in the tray (if any) and the window's status bar.

    Args:
        window: the main window (its status bar gets the count; with a tray, closing it only hides it).
        client: the journal's client.
        clock: the wall clock the scheduler reads.
        settings: the app's settings (remembers that the no-tray notice was shown).
        tray_available: override the platform check (tests).
        desktop_notifications: the freedesktop notification client (default: the session bus's on Linux and the
            BSDs, none elsewhere); tests pass one on a bus they started, or ``None`` explicitly via ``False``.

    Signals:
        quit_requested(): the user chose Quit in the tray menu.
    """

    quit_requested = Signal()

    def __init__(
        self,
        window: MainWindow,
        client: JournalClient,
        clock: Clock,
        settings: QSettings,
        *,
        tray_available: bool | None = None,
        desktop_notifications: DesktopNotifications | bool | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._locked = False
        self._quitting = False
        self.scheduler = ReminderScheduler(client, clock, self, locked=lambda: self._locked)

        self.status = ReminderStatusWidget()
        window.statusBar().addPermanentWidget(self.status)
        self.status.open_requested.connect(lambda: self._open_page("today"))
        self.scheduler.nudges_changed.connect(self.status.set_nudges)
        self.scheduler.paused_changed.connect(self.status.set_paused)
        window.settings_changed.connect(lambda _key: self.scheduler.settings_changed())
        window.settings_changed.connect(self._on_setting_changed)
        self._client = client

        notice = NoTrayNotice(settings, (lambda: tray_available) if tray_available is not None else None)
        self.tray: TrayIcon | None = None
        if notice.tray_available():
            tray = TrayIcon(client, self)
            tray.attach(self.scheduler)
            tray.open_requested.connect(self.show_window)
            tray.quick_add_requested.connect(self._quick_add)
            tray.quit_requested.connect(self._quit)
            tray.item_requested.connect(self._open_item)
            tray.show()
            self.tray = tray
            self._read_tray_style()
            app = QApplication.instance()
            if isinstance(app, QApplication):
                app.setQuitOnLastWindowClosed(False)
            window.installEventFilter(self)

        if desktop_notifications is None or desktop_notifications is True:
            desktop_notifications = (
                DesktopNotifications(
                    None, self, app_name=APP_NAME, app_icon=APP_REVERSE_DNS, desktop_entry=APP_REVERSE_DNS
                )
                if supported_platform()
                else None
            )
        desktop = desktop_notifications if isinstance(desktop_notifications, DesktopNotifications) else None
        self.notifier = Notifier(self.tray, self, desktop=desktop)
        self.scheduler.notify.connect(self.notifier.show)
        self.notifier.item_requested.connect(self._open_item)
        self.notifier.open_requested.connect(lambda: self._open_page("today"))
        self.notifier.done_requested.connect(self.scheduler.mark_done)  # the tray menu's Done and Snooze, too
        self.notifier.snooze_requested.connect(self.scheduler.snooze)

        self._notice_box: QMessageBox | None = None
        if self.tray is None and not notice.already_shown():
            settings.setValue(NO_TRAY_KEY, True)
            if self.notifier.ready:
                self._show_notice()
            else:  # say what this desktop has once the notification service answered (milliseconds)
                self.notifier.path_changed.connect(self._show_notice, Qt.ConnectionType.SingleShotConnection)
        log.info("reminders: %s", "tray" if self.tray is not None else "window only (no system tray)")
        self.scheduler.start()

    @property
    def has_tray(self) -> bool:
        return self.tray is not None

    def _read_tray_style(self) -> None:
        tray = self.tray
        if tray is not None:
            self._client.query(lambda service: service.get_setting("tray_icon"), tray.set_style, name="tray.style")

    def _on_setting_changed(self, key: object) -> None:
        if key == "tray_icon":
            self._read_tray_style()

    def _show_notice(self, *_args: object) -> None:
        text = notice_text(self.notifier.path is NotificationPath.DESKTOP)
        box = QMessageBox(
            QMessageBox.Icon.Information, NO_TRAY_TITLE, text, QMessageBox.StandardButton.Ok, self._window
        )
        box.open()  # not exec(): the window goes on loading behind it
        self._notice_box = box

    def set_locked(self, locked: bool) -> None:
        """While locked nothing is read or written from the reminder path and the tray lists no nudges (C6)."""
        self._locked = locked
        if self.tray is not None:
            self.tray.set_locked(locked)
        if locked:
            self.notifier.withdraw()  # a notification on screen could still say something, and offer Done
        else:
            self.scheduler.unlocked()

    def stop(self) -> None:
        """Stop checking and take the icon out of the tray (before the journal's runner shuts down)."""
        self.scheduler.stop()
        self.notifier.withdraw()
        if self.tray is not None:
            self.tray.hide()

    # --- window ---------------------------------------------------------------------------------------------

    def show_window(self) -> None:
        window = self._window
        window.showNormal() if window.isMinimized() else window.show()
        window.raise_()
        window.activateWindow()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """With a tray, closing the window hides it: Recipro keeps watching for reminders."""
        if watched is self._window and event.type() == QEvent.Type.Close and not self._quitting:
            assert isinstance(event, QCloseEvent)
            event.ignore()
            self._window.save_window_state()
            self._window.hide()
            return True
        return super().eventFilter(watched, event)

    def _open_page(self, page: str) -> None:
        self.show_window()
        self._window.show_page(page)

    def _open_item(self, kind: object, item_id: object) -> None:
        if kind is ItemKind.PERSON and isinstance(item_id, UUID):
            self.show_window()
            self._window.show_person(item_id)
            return
        self._open_page(PAGE_FOR_KIND.get(kind, "today") if isinstance(kind, ItemKind) else "today")

    def _quick_add(self) -> None:
        self.show_window()
        self._window.quick_add()

    def _quit(self) -> None:
        self._quitting = True
        self.quit_requested.emit()
