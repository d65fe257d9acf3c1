"""Where reminders live once a journal is open: the scheduler, the tray (or its stand-ins) and the window.

Vorta's pattern: with a system tray, closing the window keeps Recipro running in the tray, which shows a count
badge, a menu rebuilt each time it opens, and notifications. Without a tray the user is told so once, closing
the window quits, and reminders stay in the window (the status-bar count and the Today view). Either way the
status-bar count is there, so a glance at the window always says how many nudges wait.
"""

from __future__ import annotations

import logging
from uuid import UUID

from PySide6.QtCore import QEvent, QObject, QSettings, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from recipro_desktop.core.clock import Clock
from recipro_desktop.core.models import ItemKind
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.main_window import MainWindow
from recipro_desktop.ui.no_tray_notice import SETTINGS_KEY as NO_TRAY_KEY
from recipro_desktop.ui.no_tray_notice import TEXT as NO_TRAY_TEXT
from recipro_desktop.ui.no_tray_notice import TITLE as NO_TRAY_TITLE
from recipro_desktop.ui.no_tray_notice import NoTrayNotice
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

        notice = NoTrayNotice(settings, (lambda: tray_available) if tray_available is not None else None)
        self.tray: TrayIcon | None = None
        if notice.tray_available():
            tray = TrayIcon(client, self)
            tray.attach(self.scheduler)
            tray.open_requested.connect(self.show_window)
            tray.quick_add_requested.connect(self._quick_add)
            tray.quit_requested.connect(self._quit)
            tray.item_requested.connect(self._open_item)
            tray.notifier.item_requested.connect(self._open_item)
            tray.notifier.open_requested.connect(self.show_window)
            tray.show()
            self.tray = tray
            app = QApplication.instance()
            if isinstance(app, QApplication):
                app.setQuitOnLastWindowClosed(False)
            window.installEventFilter(self)
        elif not notice.already_shown():
            settings.setValue(NO_TRAY_KEY, True)
            box = QMessageBox(
                QMessageBox.Icon.Information, NO_TRAY_TITLE, NO_TRAY_TEXT, QMessageBox.StandardButton.Ok, window
            )
            box.open()  # not exec(): the window goes on loading behind it
            self._notice_box = box
        log.info("reminders: %s", "tray" if self.tray is not None else "window only (no system tray)")
        self.scheduler.start()

    @property
    def has_tray(self) -> bool:
        return self.tray is not None

    def set_locked(self, locked: bool) -> None:
        """While locked nothing is read or written from the reminder path and the tray lists no nudges (C6)."""
        self._locked = locked
        if self.tray is not None:
            self.tray.set_locked(locked)
        if not locked:
            self.scheduler.unlocked()

    def stop(self) -> None:
        """Stop checking and take the icon out of the tray (before the journal's runner shuts down)."""
        self.scheduler.stop()
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
