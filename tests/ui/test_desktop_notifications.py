"""Notifications through a REAL freedesktop notification daemon (dunst) on a private D-Bus session (issue 10).

The fixture starts ``Xvfb`` (dunst draws on X), then ``dbus-run-session`` running ``dunst`` with a config of
the test's own, and connects a private QtDBus connection to that bus. Nothing on the D-Bus side is faked:

- what the daemon **received** is read back from dunst (``dunstctl count displayed``; ``dunstctl history``
  once the notification was closed: summary, body and app name as dunst stored them);
- the user's **choice** is made through dunst itself: ``dunstctl action 0`` performs a notification's default
  action (a click), and ``dunstctl context`` opens dunst's context menu, which runs the configured ``dmenu``
  command; the test's ``dmenu`` is a script that picks the line of the action the test wants ("Done",
  "Snooze 1 day") exactly as a user picking it in dmenu would. dunst then sends ``ActionInvoked`` to Recipro's
  connection, as it does for a real user;
- the result is read from the journal: the nudge is stored as done or snoozed (``services.reminders``).

What could not be driven for real here: a click with the mouse on the drawn notification (dunst's
``mouse_left_click``), and a server that advertises ``body-markup`` (dunst 1.9 does not; the escaping rule for
it is checked on the notifier's text functions in ``test_notifier.py``).

Skipped, with the reason, when Xvfb, dunst/dunstctl or dbus-run-session is missing (Debian: ``xvfb dunst dbus``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from PySide6.QtCore import QEvent, QSettings
from PySide6.QtDBus import QDBusConnection
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import Act, ActKind, Direction, Person
from recipro_desktop.services import reminders as svc
from recipro_desktop.ui.desktop_notifications import SERVICE, DesktopNotifications
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.main_window import MainWindow
from recipro_desktop.ui.no_tray_notice import TEXT_WITH_NOTIFICATIONS
from recipro_desktop.ui.notifier import NotificationPath, Notifier
from recipro_desktop.ui.reminder_center import ReminderCenter
from recipro_desktop.ui.reminder_settings_page import ReminderSettingsPage
from tests.conftest import CANARY
from tests.helpers.xvfb import xvfb_display
from tests.ui import journal_fixtures
from tests.ui.journal_fixtures import NOW, JournalEnv

journal_env = journal_fixtures.journal_env

TIMEOUT_MS = 10_000

DMENU = """#!/bin/sh
# dunst's context menu: dunst writes one line per action ("#Done (summary) [id,done]") and runs the action of
# the line this prints. The test writes the label it wants chosen into the file "choice".
here=$(dirname "$0")
cat > "$here/menu.txt"
grep -m1 "^#$(cat "$here/choice") (" "$here/menu.txt"
"""

DUNSTRC = """[global]
    dmenu = {dmenu}
    history_length = 50
    browser = /bin/false
[urgency_low]
    timeout = 0
[urgency_normal]
    timeout = 0
[urgency_critical]
    timeout = 0
"""


BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={folder}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{folder}/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""
"""A session bus with an empty service folder: nothing is D-Bus-activated behind the test's back (the standard
session configuration would start dunst from /usr/share/dbus-1/services when asked for notifications)."""


def _missing() -> str | None:
    if not sys.platform.startswith("linux"):
        return "the freedesktop notification daemon test runs on Linux only"
    missing = [tool for tool in ("Xvfb", "dunst", "dunstctl", "dbus-run-session") if shutil.which(tool) is None]
    if missing:
        return f"{', '.join(missing)} not installed (Debian packages: xvfb dunst dbus)"
    return None


def _stop(proc: subprocess.Popen[bytes], *, group: bool = False) -> None:
    if proc.poll() is None:
        if group:
            os.killpg(proc.pid, signal.SIGTERM)  # dbus-run-session, its dbus-daemon and dunst: we started them
        else:
            proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL) if group else proc.kill()
            proc.wait(timeout=10)


@pytest.fixture
def x_display() -> Iterator[str]:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    with xvfb_display() as display:
        yield display


@dataclass
class Session:
    """A private D-Bus session (with or without dunst) and a QtDBus connection to it."""

    address: str
    bus: QDBusConnection
    env: dict[str, str]
    folder: Path

    def dunstctl(self, *args: str) -> str:
        done = subprocess.run(["dunstctl", *args], env=self.env, capture_output=True, text=True, timeout=20)
        assert done.returncode == 0, f"dunstctl {args}: {done.stderr}"
        return done.stdout

    def displayed(self) -> int:
        return int(self.dunstctl("count", "displayed").strip())

    def history(self) -> list[dict[str, object]]:
        data = json.loads(self.dunstctl("history"))["data"][0]
        return [{key: field["data"] for key, field in entry.items()} for entry in data]

    def choose(self, label: str) -> None:
        """Open dunst's context menu on the notification and pick ``label`` there (see :data:`DMENU`)."""
        (self.folder / "choice").write_text(label, encoding="utf-8")
        self.dunstctl("context")


def _session(qtbot: QtBot, tmp_path: Path, display: str, *, daemon: bool) -> Iterator[Session]:
    folder = tmp_path / "dbus"
    (folder / "services").mkdir(parents=True)
    (folder / "bus.conf").write_text(BUS_CONFIG.format(folder=folder), encoding="utf-8")
    dmenu = folder / "dmenu.sh"
    dmenu.write_text(DMENU, encoding="utf-8")
    dmenu.chmod(0o755)
    (folder / "dunstrc").write_text(DUNSTRC.format(dmenu=dmenu), encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DISPLAY": display,
        "HOME": str(folder),
        "XDG_RUNTIME_DIR": str(folder),
        "XDG_CONFIG_HOME": str(folder),
    }
    # dunst in the background, so that killing it (a daemon crash) leaves the session bus running.
    child = f"dunst -config {folder / 'dunstrc'} & exec sleep 600" if daemon else "exec sleep 600"
    proc = subprocess.Popen(
        [
            "dbus-run-session",
            f"--config-file={folder / 'bus.conf'}",
            "--",
            "sh",
            "-c",
            f'echo "$DBUS_SESSION_BUS_ADDRESS"; {child}',
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    name = f"test-notifications-{uuid4().hex}"
    try:
        assert proc.stdout is not None
        address = proc.stdout.readline().decode().strip()
        assert address, "dbus-run-session printed no bus address"
        bus = QDBusConnection.connectToBus(address, name)
        assert bus.isConnected(), bus.lastError().message()
        if daemon:
            interface = bus.interface()
            qtbot.waitUntil(lambda: interface.isServiceRegistered(SERVICE).value(), timeout=TIMEOUT_MS)
        yield Session(address, bus, {**env, "DBUS_SESSION_BUS_ADDRESS": address}, folder)
    finally:
        QDBusConnection.disconnectFromBus(name)
        _stop(proc, group=True)
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.fixture
def dunst(qtbot: QtBot, tmp_path: Path, x_display: str) -> Iterator[Session]:
    yield from _session(qtbot, tmp_path, x_display, daemon=True)


@pytest.fixture
def no_daemon(qtbot: QtBot, tmp_path: Path, x_display: str) -> Iterator[Session]:
    yield from _session(qtbot, tmp_path, x_display, daemon=False)


def client(session: Session) -> DesktopNotifications:
    return DesktopNotifications(session.bus, app_name="Recipro", app_icon="io.github.recipro.Recipro")


def owe(env: JournalEnv, name: str) -> None:
    person = env.service.add_person(Person(display_name=f"{name} Example", given_name=name))
    env.service.add_act(
        Act(
            occurred_on=NOW.date() - timedelta(days=5),
            direction=Direction.RECEIVED,
            kind=ActKind.FAVOR,
            summary=f"Intro to <b>Bo</b> & {CANARY}",
            people=(person.id,),
        )
    )


@pytest.fixture
def window(qtbot: QtBot, journal_env: JournalEnv, tmp_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(settings=QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    win.attach_journal(journal_env.client)
    yield win
    win.hide()
    win.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def center_without_tray(
    window: MainWindow, env: JournalEnv, tmp_path: Path, desktop: DesktopNotifications
) -> ReminderCenter:
    env.service.set_setting("digest", "off")  # one nudge, one notification about it
    settings = QSettings(str(tmp_path / "app.ini"), QSettings.Format.IniFormat)
    return ReminderCenter(window, env.client, env.clock, settings, tray_available=False, desktop_notifications=desktop)


def shown(qtbot: QtBot, center: ReminderCenter) -> None:
    desktop = center.notifier.desktop
    assert desktop is not None
    qtbot.waitUntil(lambda: desktop.current_id > 0, timeout=TIMEOUT_MS)
    assert center.notifier.last_path is NotificationPath.DESKTOP


def test_without_a_tray_a_nudge_reaches_the_daemon_counts_only_and_done_is_stored(
    qtbot: QtBot, journal_env: JournalEnv, window: MainWindow, dunst: Session, tmp_path: Path
) -> None:
    owe(journal_env, "Ana")
    center = center_without_tray(window, journal_env, tmp_path, client(dunst))
    try:
        assert not center.has_tray
        shown(qtbot, center)
        (nudge,) = center.scheduler.nudges
        assert dunst.displayed() == 1
        notice = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
        assert [box.text() for box in notice] == [TEXT_WITH_NOTIFICATIONS]  # "reminders still pop up"
        notice[0].accept()

        dunst.choose("Done")
        qtbot.waitUntil(lambda: nudge.key in svc.load_state(journal_env.service).dismissed, timeout=TIMEOUT_MS)
        assert svc.load_state(journal_env.service).dismissed[nudge.key].until is None  # done, not snoozed
        qtbot.waitUntil(lambda: center.status.count == 0 and not journal_env.runner.busy, timeout=TIMEOUT_MS)

        qtbot.waitUntil(lambda: dunst.displayed() == 0, timeout=TIMEOUT_MS)  # Recipro took it down
        (entry,) = dunst.history()
        assert entry["appname"] == "Recipro"
        assert entry["summary"] == "While you were away"  # the start-up catch-up; never a name
        assert entry["body"] == "1 nudge while you were away: 1 thank-you owed"  # counts only: no name, no note
        assert "Ana" not in json.dumps(entry) and CANARY not in json.dumps(entry)
        assert "Done" not in str(entry.get("summary"))
        menu = (dunst.folder / "menu.txt").read_text(encoding="utf-8")  # what dunst offered in its context menu
        assert sorted(line.split(" (")[0] for line in menu.splitlines()) == ["#Done", "#Open", "#Snooze 1 day"]
    finally:
        center.stop()


def test_snooze_from_the_notification_is_stored_for_a_day(
    qtbot: QtBot, journal_env: JournalEnv, window: MainWindow, dunst: Session, tmp_path: Path
) -> None:
    owe(journal_env, "Ana")
    center = center_without_tray(window, journal_env, tmp_path, client(dunst))
    try:
        shown(qtbot, center)
        (nudge,) = center.scheduler.nudges
        dunst.choose("Snooze 1 day")
        qtbot.waitUntil(lambda: nudge.key in svc.load_state(journal_env.service).dismissed, timeout=TIMEOUT_MS)
        assert svc.load_state(journal_env.service).dismissed[nudge.key].until == NOW + timedelta(days=1)
        qtbot.waitUntil(lambda: center.status.count == 0, timeout=TIMEOUT_MS)
    finally:
        center.stop()


def test_a_click_opens_the_item_and_a_new_notification_replaces_the_old(
    qtbot: QtBot, journal_env: JournalEnv, window: MainWindow, dunst: Session, tmp_path: Path
) -> None:
    owe(journal_env, "Ana")
    center = center_without_tray(window, journal_env, tmp_path, client(dunst))
    desktop = center.notifier.desktop
    assert desktop is not None
    try:
        shown(qtbot, center)
        first = desktop.current_id
        window.show_page("people")
        dunst.dunstctl("action", "0")  # the default action: what a click on the notification does
        qtbot.waitUntil(lambda: window.current_page == "gratitude", timeout=TIMEOUT_MS)  # a thank-you owed
        (nudge,) = center.scheduler.nudges
        assert center.notifier.show("Reminder", "1 thank-you owed", nudge)  # the next announcement
        assert desktop.current_id == first and dunst.displayed() == 1  # replaced, not stacked
        with qtbot.waitSignal(center.notifier.open_requested, timeout=TIMEOUT_MS):
            center.notifier.show("Reminders", "2 thank-yous owed", None)  # about several: a click opens Today
            dunst.dunstctl("action", "0")
        center.set_locked(True)  # locking takes the notification down
        qtbot.waitUntil(lambda: dunst.displayed() == 0, timeout=TIMEOUT_MS)
        center.set_locked(False)
    finally:
        center.stop()


def test_the_settings_page_names_the_daemon(qtbot: QtBot, journal_env: JournalEnv, dunst: Session) -> None:
    page = ReminderSettingsPage(journal_env.client, desktop_notifications=client(dunst), tray_available=False)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.notificationPathLabel.text() != "checking…", timeout=TIMEOUT_MS)
    assert page.notificationPathLabel.text() == "desktop notification service (dunst 1.9)"


def test_without_a_notification_service_the_tray_or_the_status_bar_is_used(
    qtbot: QtBot, journal_env: JournalEnv, no_daemon: Session
) -> None:
    """A real session bus with no notification service: balloons if there is a tray, else nothing (said so)."""
    desktop = client(no_daemon)
    notifier = Notifier(None, desktop=desktop)
    qtbot.waitUntil(lambda: desktop.probed, timeout=TIMEOUT_MS)
    assert desktop.server is None and notifier.path is NotificationPath.NONE
    assert not notifier.show("Reminder", "1 thank-you owed")
    assert notifier.describe() == "none available — reminders show in the window's status bar"
    tray = QSystemTrayIcon(icon("tray-idle"))
    tray.show()
    try:
        notifier.set_tray(tray)
        assert notifier.path is NotificationPath.TRAY and notifier.describe() == "tray balloons"
    finally:
        tray.hide()
        tray.deleteLater()
    page = ReminderSettingsPage(journal_env.client, desktop_notifications=client(no_daemon), tray_available=False)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.notificationPathLabel.text() != "checking…", timeout=TIMEOUT_MS)
    assert page.notificationPathLabel.text() == "none available — reminders show in the window's status bar"


def test_when_the_daemon_dies_notifications_fall_back_to_the_tray(
    qtbot: QtBot, dunst: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    balloons: list[tuple[str, str]] = []
    monkeypatch.setattr(QSystemTrayIcon, "showMessage", lambda _self, title, text, *_a: balloons.append((title, text)))
    desktop = client(dunst)
    tray = QSystemTrayIcon(icon("tray-idle"))
    tray.show()
    notifier = Notifier(tray, desktop=desktop)
    try:
        qtbot.waitUntil(lambda: desktop.server is not None, timeout=TIMEOUT_MS)
        assert notifier.show("Reminder", "1 reminder") and notifier.last_path is NotificationPath.DESKTOP
        assert balloons == []
        pid = dunst.bus.interface().servicePid(SERVICE).value()
        os.kill(pid, signal.SIGKILL)  # the daemon we started crashes
        qtbot.waitUntil(lambda: desktop.server is None and desktop.probed, timeout=TIMEOUT_MS)
        assert notifier.show("Reminder", "2 reminders") and notifier.last_path is NotificationPath.TRAY
        assert balloons == [("Reminder", "2 reminders")]
    finally:
        tray.hide()
        tray.deleteLater()


def test_full_titles_reach_the_daemon_escaped_only_where_it_reads_markup(
    qtbot: QtBot, journal_env: JournalEnv, dunst: Session
) -> None:
    """G3 against the real server: markup characters in a note are escaped iff the server advertises body-markup;
    invisible controls never reach it; the summary is plain text."""
    desktop = client(dunst)
    notifier = Notifier(None, desktop=desktop)
    qtbot.waitUntil(lambda: desktop.server is not None, timeout=TIMEOUT_MS)
    server = desktop.server
    assert server is not None
    text = "Thank \u202eAna\u200b for Intro to <b>Bo</b> & more"
    assert notifier.show("Reminder", text, None)
    desktop.close()
    qtbot.waitUntil(lambda: len(dunst.history()) == 1, timeout=TIMEOUT_MS)
    (entry,) = dunst.history()
    if server.body_markup:
        assert entry["body"] == "Thank Ana for Intro to &lt;b&gt;Bo&lt;/b&gt; &amp; more"
    else:
        assert entry["body"] == "Thank Ana for Intro to <b>Bo</b> & more"
    assert entry["summary"] == "Reminder"
