"""Upgrading from Recipro 0.1 after the app took one reverse-DNS identity (io.github.recipro.Recipro).

- The journal stays in ``platformdirs.user_data_dir("recipro")``: a journal written there by 0.1 opens through
  the normal path (no ``--data-dir``), unlocked from the keyring as before.
- Qt's settings moved from organisation ``Recipro`` to ``io.github.recipro``: 0.1's real settings file on disk
  (``$XDG_CONFIG_HOME/Recipro/Recipro.conf``) is carried over once, so the window opens at the size the user
  left it and the no-tray notice is not shown again. Qt caches its settings folder per process, so the app runs
  in a child process with its own ``XDG_CONFIG_HOME``.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings

from recipro_desktop.cli import main
from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.models import Person
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import create_journal
from recipro_desktop.ui.settings_store import migrate_settings
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
