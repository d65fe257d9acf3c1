"""Issue 10: on Windows, `recipro --screenshot` (which draws offscreen) showed every letter as an empty box: Qt's
offscreen platform reads its fonts from QT_QPA_FONTDIR, whose default folder PySide6 does not ship. The app now
points it at the system's fonts before its QApplication exists (ui/offscreen_fonts.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys
from PySide6.QtGui import QFontMetrics
{make}
print(QFontMetrics(app.font()).inFont("a"), flush=True)
"""
WITH_THE_APP = "from recipro_desktop.app import make_application\napp = make_application()"
BARE_QT = "from PySide6.QtWidgets import QApplication\napp = QApplication([sys.argv[0]])"


def _draws_letters(make: str) -> bool:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_FONTDIR"}  # as a user's machine has it
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(make=make)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1] == "True"


def test_the_app_draws_letters_offscreen_without_a_font_folder_set() -> None:
    assert _draws_letters(WITH_THE_APP)


def test_the_fault_is_real_where_qt_has_no_font_folder_of_its_own() -> None:
    """Bare Qt, offscreen, no QT_QPA_FONTDIR: boxes on Windows (the fault the app works around); letters on Linux,
    where fontconfig gives the offscreen platform the system's fonts."""
    assert _draws_letters(BARE_QT) is (sys.platform != "win32")
