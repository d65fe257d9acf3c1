"""The Reminders page of Settings: which rules, lead times, quiet hours, digest, notification privacy, the tray
icon's style, start on login; and which way notifications reach the user on this desktop.

Built on the Designer form ``ui/reminder_settings_page.ui``. Every change is stored at once (no Apply button,
like the platform's own settings apps) through the journal client, in the background; the scheduler looks
again when :attr:`ReminderSettingsPage.settings_changed` fires. A value the registry refuses shows its message
under the page (``ValidationError``'s text, which never repeats the value). Start on login is machine state, not
journal state: it is read from and written to the system (:class:`~recipro_desktop.services.autostart.Autostart`).
So is the notification path: the page asks the desktop's notification service itself (the same probe and the same
rule, :func:`~recipro_desktop.ui.notifier.choose_path`, as the notifier) and says "desktop notification service
(dunst 1.9)", "tray balloons" or "none available".

Signals:
    settings_changed(str): a setting was stored (its key), e.g. for ``ReminderScheduler.settings_changed``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import time

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSystemTrayIcon, QWidget

from recipro_desktop.core import settings as registry
from recipro_desktop.core.errors import ValidationError
from recipro_desktop.services.autostart import Autostart
from recipro_desktop.ui.desktop_notifications import DesktopNotifications, supported_platform
from recipro_desktop.ui.forms.ui_reminder_settings_page import Ui_ReminderSettingsPage
from recipro_desktop.ui.journal_client import JournalClient, user_message
from recipro_desktop.ui.notifier import choose_path, describe_path

log = logging.getLogger(__name__)

PRIVACY_CHOICES = ("counts", "names", "full")
DIGEST_CHOICES = ("daily", "weekly", "off")
TRAY_ICON_CHOICES = ("auto", "colour", "monochrome")
TRAY_ICON_LABELS = ("Automatic", "Colour", "Monochrome")


class ReminderSettingsPage(QWidget):
    """The reminder settings, stored as they are changed.

    Args:
        client: the journal client (settings are read and written on its worker).
        parent: the Qt parent.
        autostart: the start-on-login switch (default: this machine's).
        desktop_notifications: the notification service client to ask (default: the session's, on Linux/BSD);
            ``False`` for none.
        tray_available: whether the desktop has a system tray (default: ``QSystemTrayIcon``'s answer).

    Signals: see the module docstring.
    """

    settings_changed = Signal(str)

    def __init__(
        self,
        client: JournalClient,
        parent: QWidget | None = None,
        *,
        autostart: Autostart | None = None,
        desktop_notifications: DesktopNotifications | bool | None = None,
        tray_available: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self._client = client
        self._autostart = autostart or Autostart()
        self._loading = False
        self.ui = Ui_ReminderSettingsPage()
        self.ui.setupUi(self)  # type: ignore[no-untyped-call]
        ui = self.ui
        self._rule_checks: dict[str, QCheckBox] = {
            "remind_thanks_owed": ui.thanksOwedCheck,
            "remind_my_promises": ui.myPromisesCheck,
            "remind_their_promises": ui.theirPromisesCheck,
            "remind_keep_in_touch": ui.keepInTouchCheck,
            "remind_need_follow_ups": ui.needFollowUpsCheck,
            "remind_birthdays": ui.birthdaysCheck,
            "remind_user_reminders": ui.userRemindersCheck,
        }
        for key, check in self._rule_checks.items():
            check.setToolTip(registry.spec(key).description)
            check.toggled.connect(lambda on, k=key: self._store(k, on))
        ui.thanksAfterSpin.valueChanged.connect(lambda v: self._store("thanks_after_days", v))
        ui.promiseLeadSpin.valueChanged.connect(lambda v: self._store("promise_lead_days", v))
        ui.birthdayLeadSpin.valueChanged.connect(lambda v: self._store("birthday_lead_days", v))
        ui.defaultCadenceCheck.toggled.connect(self._cadence_changed)
        ui.defaultCadenceSpin.valueChanged.connect(self._cadence_changed)
        ui.quietStartEdit.timeChanged.connect(lambda t: self._store("quiet_hours_start", _hhmm(t)))
        ui.quietEndEdit.timeChanged.connect(lambda t: self._store("quiet_hours_end", _hhmm(t)))
        ui.digestCombo.currentIndexChanged.connect(lambda i: self._store("digest", DIGEST_CHOICES[i]))
        ui.digestWeekdayCombo.currentIndexChanged.connect(lambda i: self._store("digest_weekday", registry.WEEKDAYS[i]))
        ui.digestTimeEdit.timeChanged.connect(lambda t: self._store("digest_time", _hhmm(t)))
        ui.privacyCombo.currentIndexChanged.connect(lambda i: self._store("notification_privacy", PRIVACY_CHOICES[i]))
        ui.startOnLoginCheck.toggled.connect(self._start_on_login_toggled)
        ui.startOnLoginHintLabel.setText(f"Adds {self._autostart.describe()}")
        ui.startOnLoginHintLabel.setForegroundRole(ui.privacyHintLabel.foregroundRole())
        ui.messageLabel.hide()
        self.trayIconCombo = QComboBox(ui.notificationsGroup)
        self.trayIconCombo.setObjectName("trayIconCombo")
        self.trayIconCombo.addItems(TRAY_ICON_LABELS)
        self.trayIconCombo.setToolTip(registry.spec("tray_icon").description)
        self.trayIconCombo.currentIndexChanged.connect(lambda i: self._store("tray_icon", TRAY_ICON_CHOICES[i]))
        ui.notificationsLayout.addRow("Tray icon", self.trayIconCombo)
        self.notificationPathLabel = QLabel("checking…", ui.notificationsGroup)
        self.notificationPathLabel.setObjectName("notificationPathLabel")
        self.notificationPathLabel.setTextFormat(Qt.TextFormat.PlainText)  # a server's name is not ours to render
        self.notificationPathLabel.setWordWrap(True)
        ui.notificationsLayout.addRow("Notifications", self.notificationPathLabel)
        self._tray_available = QSystemTrayIcon.isSystemTrayAvailable() if tray_available is None else tray_available
        if desktop_notifications is None or desktop_notifications is True:
            desktop_notifications = DesktopNotifications(None, self) if supported_platform() else None
        self._desktop = desktop_notifications if isinstance(desktop_notifications, DesktopNotifications) else None
        if self._desktop is not None:
            self._desktop.server_changed.connect(self._show_path)
            self._desktop.probe()
        else:
            self._show_path()
        self.setEnabled(False)  # until the stored values are in
        self.refresh()

    def _show_path(self, *_args: object) -> None:
        """Which way notifications reach the user here (the notifier's rule, asked of this desktop)."""
        server = self._desktop.server if self._desktop is not None else None
        text = describe_path(choose_path(self._desktop, self._tray_available), server)
        self.notificationPathLabel.setText(text)
        self.notificationPathLabel.setAccessibleName(f"Notifications: {text}")

    # --- loading -----------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the stored settings (in the background) and show them."""
        self._client.query(lambda service: service.all_settings(), self._load, name="settings.reminders")

    def _load(self, values: Mapping[str, object]) -> None:
        v = registry.resolve(values)
        ui = self.ui
        self._loading = True
        try:
            for key, check in self._rule_checks.items():
                check.setChecked(v[key] is True)
            ui.thanksAfterSpin.setValue(_int(v["thanks_after_days"]))
            ui.promiseLeadSpin.setValue(_int(v["promise_lead_days"]))
            ui.birthdayLeadSpin.setValue(_int(v["birthday_lead_days"]))
            cadence = v["default_cadence_days"]
            ui.defaultCadenceCheck.setChecked(isinstance(cadence, int))
            ui.defaultCadenceSpin.setValue(cadence if isinstance(cadence, int) else 30)
            ui.quietStartEdit.setTime(_qtime(v["quiet_hours_start"]))
            ui.quietEndEdit.setTime(_qtime(v["quiet_hours_end"]))
            ui.digestCombo.setCurrentIndex(DIGEST_CHOICES.index(str(v["digest"])))
            ui.digestWeekdayCombo.setCurrentIndex(registry.WEEKDAYS.index(str(v["digest_weekday"])))
            ui.digestTimeEdit.setTime(_qtime(v["digest_time"]))
            ui.privacyCombo.setCurrentIndex(PRIVACY_CHOICES.index(str(v["notification_privacy"])))
            self.trayIconCombo.setCurrentIndex(TRAY_ICON_CHOICES.index(str(v["tray_icon"])))
            ui.startOnLoginCheck.setChecked(self._autostart.is_enabled())
        finally:
            self._loading = False
        self._update_enabled()
        self.setEnabled(True)

    def _update_enabled(self) -> None:
        ui = self.ui
        ui.defaultCadenceSpin.setEnabled(ui.defaultCadenceCheck.isChecked())
        digest = DIGEST_CHOICES[ui.digestCombo.currentIndex()]
        ui.digestWeekdayCombo.setVisible(digest == "weekly")
        ui.digestTimeEdit.setEnabled(digest != "off")
        ui.digestAtLabel.setEnabled(digest != "off")
        same = ui.quietStartEdit.time() == ui.quietEndEdit.time()
        ui.quietToLabel.setText("to (equal times: no quiet hours)" if same else "to")

    # --- storing -----------------------------------------------------------------------------------------

    def _cadence_changed(self, *_args: object) -> None:
        ui = self.ui
        value = ui.defaultCadenceSpin.value() if ui.defaultCadenceCheck.isChecked() else None
        self._store("default_cadence_days", value)

    def _store(self, key: str, value: object) -> None:
        if self._loading:
            return
        self._update_enabled()
        try:
            registry.coerce(key, value)  # say what is wrong at once, before a round trip
        except ValidationError as exc:
            self._show_message(str(exc))
            return
        self._client.mutate(
            lambda service: service.set_setting(key, value),
            lambda _none: self._stored(key),
            changes=(),
            name="settings.reminders.store",
            on_error=self._failed,
        )

    def _stored(self, key: str) -> None:
        self.ui.messageLabel.hide()
        log.debug("reminder setting stored: %s", key)
        self.settings_changed.emit(key)

    def _failed(self, exc: BaseException) -> None:
        self._show_message(user_message(exc))

    def _show_message(self, text: str) -> None:
        self.ui.messageLabel.setText(text)
        self.ui.messageLabel.show()

    def _start_on_login_toggled(self, on: bool) -> None:
        if self._loading:
            return
        try:
            self._autostart.set_enabled(on)
        except OSError as exc:
            log.warning("start on login could not be changed: %s", type(exc).__name__)
            self._loading = True
            self.ui.startOnLoginCheck.setChecked(not on)
            self._loading = False
            self._show_message(f"Start on login could not be {'turned on' if on else 'turned off'} ({exc.strerror}).")
            return
        self.ui.messageLabel.hide()


def _hhmm(t: QTime) -> str:
    return f"{t.hour():02d}:{t.minute():02d}"


def _qtime(value: object) -> QTime:
    parsed: time = registry.parse_time(str(value))
    return QTime(parsed.hour, parsed.minute)


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
