"""The Reminders settings page on a real journal: shows what is stored, stores each change at once (read back
through the service), and switches start on login in the (isolated) XDG autostart folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTime
from pytestqt.qtbot import QtBot

from recipro_desktop.services.autostart import Autostart
from recipro_desktop.ui.reminder_settings_page import ReminderSettingsPage
from tests.ui import journal_fixtures
from tests.ui.journal_fixtures import JournalEnv

journal_env = journal_fixtures.journal_env  # the shared fixture, found by pytest under this name


def make(qtbot: QtBot, env: JournalEnv, config: Path) -> ReminderSettingsPage:
    autostart = Autostart(platform="linux", env={"XDG_CONFIG_HOME": str(config)}, command=["/usr/bin/recipro"])
    page = ReminderSettingsPage(env.client, autostart=autostart)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(page.isEnabled, timeout=5000)
    return page


def stored(qtbot: QtBot, env: JournalEnv, key: str, value: object) -> None:
    qtbot.waitUntil(lambda: not env.runner.busy and env.service.get_setting(key) == value, timeout=5000)


def test_shows_the_stored_values(qtbot: QtBot, journal_env: JournalEnv, tmp_path: Path) -> None:
    s = journal_env.service
    s.set_setting("remind_birthdays", False)
    s.set_setting("thanks_after_days", 5)
    s.set_setting("default_cadence_days", 45)
    s.set_setting("quiet_hours_start", "21:30")
    s.set_setting("digest", "weekly")
    s.set_setting("digest_weekday", "friday")
    s.set_setting("notification_privacy", "names")
    page = make(qtbot, journal_env, tmp_path)
    ui = page.ui
    assert not ui.birthdaysCheck.isChecked() and ui.thanksOwedCheck.isChecked()
    assert ui.thanksAfterSpin.value() == 5
    assert ui.defaultCadenceCheck.isChecked() and ui.defaultCadenceSpin.value() == 45
    assert ui.quietStartEdit.time() == QTime(21, 30)
    assert ui.digestCombo.currentText() == "Weekly" and ui.digestWeekdayCombo.currentText() == "Friday"
    assert ui.digestWeekdayCombo.isVisibleTo(page)
    assert ui.privacyCombo.currentText() == "Counts and first names"
    assert not ui.startOnLoginCheck.isChecked()  # off by default


def test_each_change_is_stored_at_once(qtbot: QtBot, journal_env: JournalEnv, tmp_path: Path) -> None:
    page = make(qtbot, journal_env, tmp_path)
    ui = page.ui
    changed: list[str] = []
    page.settings_changed.connect(changed.append)
    ui.keepInTouchCheck.click()
    stored(qtbot, journal_env, "remind_keep_in_touch", False)
    ui.birthdayLeadSpin.setValue(14)
    stored(qtbot, journal_env, "birthday_lead_days", 14)
    ui.defaultCadenceCheck.click()
    stored(qtbot, journal_env, "default_cadence_days", 30)
    ui.defaultCadenceCheck.click()
    stored(qtbot, journal_env, "default_cadence_days", None)
    assert not ui.defaultCadenceSpin.isEnabled()
    ui.quietEndEdit.setTime(QTime(7, 15))
    stored(qtbot, journal_env, "quiet_hours_end", "07:15")
    ui.digestCombo.setCurrentIndex(2)
    stored(qtbot, journal_env, "digest", "off")
    assert not ui.digestTimeEdit.isEnabled()
    ui.privacyCombo.setCurrentIndex(2)
    stored(qtbot, journal_env, "notification_privacy", "full")
    qtbot.waitUntil(lambda: "notification_privacy" in changed, timeout=5000)
    assert {"remind_keep_in_touch", "birthday_lead_days", "quiet_hours_end", "digest"} <= set(changed)


def test_equal_quiet_hours_say_there_are_none(qtbot: QtBot, journal_env: JournalEnv, tmp_path: Path) -> None:
    page = make(qtbot, journal_env, tmp_path)
    page.ui.quietStartEdit.setTime(QTime(8, 0))
    assert page.ui.quietToLabel.text() == "to (equal times: no quiet hours)"


def test_start_on_login_writes_the_autostart_entry(qtbot: QtBot, journal_env: JournalEnv, tmp_path: Path) -> None:
    page = make(qtbot, journal_env, tmp_path)
    desktop = tmp_path / "autostart" / "io.github.recipro.Recipro.desktop"
    assert page.ui.startOnLoginHintLabel.text() == f"Adds {desktop}"
    page.ui.startOnLoginCheck.click()
    assert desktop.is_file() and "Exec=/usr/bin/recipro --minimized" in desktop.read_text()
    page.ui.startOnLoginCheck.click()
    assert not desktop.exists()


def test_start_on_login_failure_is_explained_and_reverted(
    qtbot: QtBot, journal_env: JournalEnv, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    page = make(qtbot, journal_env, blocker)
    page.ui.startOnLoginCheck.click()
    assert not page.ui.startOnLoginCheck.isChecked()
    assert page.ui.messageLabel.isVisibleTo(page)
    assert page.ui.messageLabel.text().startswith("Start on login could not be turned on")
