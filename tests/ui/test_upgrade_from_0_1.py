"""Upgrading from Recipro 0.1 after the app took one reverse-DNS identity (io.github.recipro.Recipro).

- The journal stays in ``platformdirs.user_data_dir("recipro")``: a journal written there by 0.1 opens through
  the normal path (no ``--data-dir``), unlocked from the keyring as before.
- Qt's settings moved from organisation ``Recipro`` to ``io.github.recipro``: 0.1's real settings file on disk
  (``$XDG_CONFIG_HOME/Recipro/Recipro.conf``) is carried over once, so the window opens at the size the user
  left it and the no-tray notice is not shown again. Qt caches its settings folder per process, so the app runs
  in a child process with its own ``XDG_CONFIG_HOME``. On Windows Qt keeps them in the registry
  (``HKCU\\Software\\Recipro\\Recipro``, then ``HKCU\\Software\\io.github.recipro\\Recipro``): the test uses
  the account's real registry there and deletes both keys afterwards.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest
from PySide6.QtCore import QSettings

from recipro_desktop import APP_NAME, SETTINGS_ORGANIZATION
from recipro_desktop.cli import main
from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.models import Person
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import create_journal
from recipro_desktop.ui.settings_store import migrate_settings
from tests.helpers.platforms import WINDOWS
from tests.ui.journal_fixtures import NOW

ROOT = Path(__file__).resolve().parents[2]

# Recipro 0.1 as it ran: QApplication names "Recipro"/"Recipro" (no domain), a window resized by the user and
# saved through the same mixin, the no-tray notice already shown.
WRITE_0_1_SETTINGS = """
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
QApplication.setApplicationName("Recipro")
QApplication.setOrganizationName("Recipro")
app = QApplication([])
from recipro_desktop.ui.main_window import MainWindow
settings = QSettings()
window = MainWindow(settings=settings)
window.resize(720, 530)
window.show()
app.processEvents()
window.save_window_state()
settings.setValue("tray/no_tray_notice_shown", True)
settings.sync()
print(settings.fileName())
"""

# This version: the app's names, its settings as run() gets them, a main window on them.
OPEN_WITH_THIS_VERSION = """
from recipro_desktop.app import make_application
app = make_application([])
from recipro_desktop.ui.main_window import MainWindow
from recipro_desktop.ui.no_tray_notice import NoTrayNotice
from recipro_desktop.ui.settings_store import user_settings
settings = user_settings()
window = MainWindow(settings=settings)
print(settings.fileName())
print(window.width(), window.height())
print(NoTrayNotice(settings, available=lambda: False).already_shown())
"""


def run_child(code: str, config_home: Path) -> list[str]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(config_home), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_a_journal_written_by_0_1_opens_through_the_normal_path(capsys: object) -> None:
    data_dir = Path(platformdirs.user_data_dir("recipro", appauthor=False))  # 0.1's folder, spelled out
    created = create_journal(JournalPaths(data_dir), passphrase="an old passphrase", clock=FixedClock(NOW))
    created.journal.service.add_person(Person(display_name="Ana Souza"))
    created.journal.close()

    out = io.StringIO()
    assert main(["stats", "--json"], stdout=out) == 0  # no --data-dir, no passphrase: the keyring, as in 0.1
    assert json.loads(out.getvalue())["people"] == 1


def test_0_1_settings_file_is_carried_over_once(tmp_path: Path) -> None:
    if WINDOWS:
        carried_over_once_in_the_registry(tmp_path / "config")
        return
    config = tmp_path / "config"
    (old_file,) = run_child(WRITE_0_1_SETTINGS, config)
    assert Path(old_file) == config / "Recipro" / "Recipro.conf"
    assert "no_tray_notice_shown=true" in Path(old_file).read_text(encoding="utf-8")

    new_file, size, told = run_child(OPEN_WITH_THIS_VERSION, config)
    assert Path(new_file) == config / "io.github.recipro" / "Recipro.conf"
    assert size == "720 530"  # the window opens as the user left it in 0.1
    assert told == "True"  # the no-tray notice is not shown again
    assert not (config / "Recipro").exists()  # the old file (and its folder) are gone: carried over once
    assert "no_tray_notice_shown=true" in Path(new_file).read_text(encoding="utf-8")

    # 0.1 run again writes its file back: the newer settings are not overwritten by it.
    run_child(WRITE_0_1_SETTINGS.replace("720, 530", "600, 450"), config)
    _new_file, size, _told = run_child(OPEN_WITH_THIS_VERSION, config)
    assert size == "720 530"
    assert (config / "Recipro" / "Recipro.conf").is_file()  # left for 0.1


# --- Windows: Qt's native settings are the registry (HKCU\\Software\\<organisation>\\<application>) ----------

LEGACY_ORG_KEY = r"Software\Recipro"
LEGACY_KEY = r"Software\Recipro\Recipro"
NEW_ORG_KEY = rf"Software\{SETTINGS_ORGANIZATION}"
NEW_KEY = rf"Software\{SETTINGS_ORGANIZATION}\{APP_NAME}"


def registry_value(key: str, name: str) -> object | None:
    """A value of HKEY_CURRENT_USER\\``key``, or None when the key or value is not there."""
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as handle:
            return winreg.QueryValueEx(handle, name)[0]
    except FileNotFoundError:
        return None


def registry_key_exists(key: str) -> bool:
    import winreg

    try:
        winreg.OpenKey(winreg.HKEY_CURRENT_USER, key).Close()
    except FileNotFoundError:
        return False
    return True


def delete_registry_tree(key: str) -> None:
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as handle:
            children = [winreg.EnumKey(handle, i) for i in range(winreg.QueryInfoKey(handle)[0])]
    except FileNotFoundError:
        return
    for child in children:
        delete_registry_tree(rf"{key}\{child}")
    winreg.DeleteKey(winreg.HKEY_CURRENT_USER, key)


def carried_over_once_in_the_registry(config: Path) -> None:
    """The Windows branch: the same upgrade, through the account's real registry (the test's own keys, removed
    afterwards; an account that has Recipro settings of its own is left alone)."""
    if registry_key_exists(LEGACY_ORG_KEY) or registry_key_exists(NEW_ORG_KEY):
        pytest.skip("this Windows account has Recipro settings of its own in the registry: they are not touched")
    try:
        (old_location,) = run_child(WRITE_0_1_SETTINGS, config)
        assert old_location == rf"\HKEY_CURRENT_USER\{LEGACY_KEY}"
        assert registry_value(rf"{LEGACY_KEY}\tray", "no_tray_notice_shown") == "true"

        new_location, size, told = run_child(OPEN_WITH_THIS_VERSION, config)
        assert new_location == rf"\HKEY_CURRENT_USER\{NEW_KEY}"
        assert size == "720 530"  # the window opens as the user left it in 0.1
        assert told == "True"  # the no-tray notice is not shown again
        assert not registry_key_exists(LEGACY_ORG_KEY)  # the old key (and its organisation's) are gone
        assert registry_value(rf"{NEW_KEY}\tray", "no_tray_notice_shown") == "true"
        assert not config.exists()  # no settings file on the side

        # 0.1 run again writes its key back: the newer settings are not overwritten by it.
        run_child(WRITE_0_1_SETTINGS.replace("720, 530", "600, 450"), config)
        _new_location, size, _told = run_child(OPEN_WITH_THIS_VERSION, config)
        assert size == "720 530"
        assert registry_value(rf"{LEGACY_KEY}\tray", "no_tray_notice_shown") == "true"  # left for 0.1
    finally:
        delete_registry_tree(LEGACY_ORG_KEY)
        delete_registry_tree(NEW_ORG_KEY)
    assert not registry_key_exists(LEGACY_ORG_KEY) and not registry_key_exists(NEW_ORG_KEY)


def test_migrate_settings_copies_every_value_type(tmp_path: Path) -> None:
    old = QSettings(str(tmp_path / "old.ini"), QSettings.Format.IniFormat)
    old.setValue("windows/main/geometry", b"\x01\x02\xff")
    old.setValue("tray/no_tray_notice_shown", True)
    old.setValue("reminders/count", 3)
    old.setValue("name", "Recipro")
    old.sync()
    new = QSettings(str(tmp_path / "new.ini"), QSettings.Format.IniFormat)
    assert migrate_settings(old, new) == 4
    reread = QSettings(str(tmp_path / "new.ini"), QSettings.Format.IniFormat)
    assert bytes(reread.value("windows/main/geometry")) == b"\x01\x02\xff"  # type: ignore[call-overload]
    assert reread.value("tray/no_tray_notice_shown", type=bool) is True
    assert reread.value("reminders/count", type=int) == 3
    assert reread.value("name") == "Recipro"
    assert not (tmp_path / "old.ini").exists()
    assert migrate_settings(QSettings(str(tmp_path / "old.ini"), QSettings.Format.IniFormat), reread) == 0
