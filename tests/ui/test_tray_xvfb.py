"""The real tray icon on a real X server with a real tray host: Xvfb + trayer (issue 4).

The rest of the suite runs on Qt's offscreen platform, which has no system tray. Here the test starts ``Xvfb``
(on a free display it picks itself, ``-displayfd``) and ``trayer`` (a freedesktop system-tray host), then runs a
child Python with ``QT_QPA_PLATFORM=xcb`` on that display which shows Recipro's :class:`TrayIcon` with three
nudges. Asserted: ``isSystemTrayAvailable()``, the icon is embedded in the tray (a non-empty on-screen
geometry), and the screen really shows it — the red count badge is in the pixels grabbed at that spot.

Skipped with the reason when ``Xvfb`` or ``trayer`` is missing (Debian: ``xvfb trayer`` and the xcb libraries
Qt's xcb plugin needs, see ``.ci/run``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.xvfb import stop, xvfb_display

REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60

CHILD = r"""
import json, sys
from datetime import date
from uuid import uuid4
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
from recipro_desktop.core.models import ItemKind
from recipro_desktop.core.reminders import Nudge, NudgeRule
from recipro_desktop.ui.tray_icon import TrayIcon

app = QApplication([sys.argv[0]])
tray = TrayIcon(None)
tray.set_nudges([
    Nudge(rule=NudgeRule.THANKS_OWED, item_kind=ItemKind.ACT, item_id=uuid4(), due_on=date(2026, 3, 10),
          overdue=False, key=f"k{n}", title="t")
    for n in range(3)
])
state = {"tries": 0, "available": False, "shown": False}

def look():
    state["tries"] += 1
    state["available"] = QSystemTrayIcon.isSystemTrayAvailable()
    if state["available"] and not tray.isVisible():
        tray.show()
    geometry = tray.geometry()
    report = {"available": state["available"], "visible": tray.isVisible(), "geometry": None, "red_pixels": 0,
              "pixels": 0, "tooltip": tray.toolTip()}
    if tray.isVisible() and geometry.width() > 0 and geometry.height() > 0:
        # The icon is embedded and painted a moment after it is shown: look until the badge is on screen.
        image = app.primaryScreen().grabWindow(0, geometry.x(), geometry.y(), geometry.width(), geometry.height())
        image = image.toImage()
        red = sum(
            1
            for x in range(image.width())
            for y in range(image.height())
            if (c := image.pixelColor(x, y)).red() > 180 and c.green() < 110 and c.blue() < 110
        )
        report.update(geometry=[geometry.x(), geometry.y(), geometry.width(), geometry.height()], red_pixels=red,
                      pixels=image.width() * image.height())
        if red:
            print(json.dumps(report), flush=True)
            app.quit()
            return
    if state["tries"] > 300:  # 15 s
        print(json.dumps(report), flush=True)
        app.quit()

timer = QTimer()
timer.timeout.connect(look)
timer.start(50)
app.exec()
"""


def _missing() -> str | None:
    if not sys.platform.startswith("linux"):
        return "the X11 tray test runs on Linux only"
    missing = [tool for tool in ("Xvfb", "trayer") if shutil.which(tool) is None]
    if missing:
        return f"{' and '.join(missing)} not installed (Debian packages: xvfb trayer)"
    return None


@pytest.fixture
def x_display(tmp_path: Path) -> Iterator[str]:
    """A fresh Xvfb on a display number it chose, with trayer hosting a system tray on it."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    with xvfb_display() as display:
        env = {**os.environ, "DISPLAY": display}
        trayer = subprocess.Popen(
            [
                "trayer",
                "--edge",
                "top",
                "--align",
                "right",
                "--widthtype",
                "request",
                "--height",
                "32",
                "--iconspacing",
                "2",
                "--transparent",
                "false",
                "--tint",
                "0xffffff",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            yield display
        finally:
            stop(trayer)


def test_tray_icon_shows_in_a_real_tray(x_display: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DISPLAY": x_display,
        "QT_QPA_PLATFORM": "xcb",
        "PYTHONPATH": str(REPO_ROOT),
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)  # no StatusNotifier host here: the XEmbed tray (trayer) is used
    done = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=TIMEOUT
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and lines, f"rc={done.returncode}\n{done.stdout}\n{done.stderr}"
    result = json.loads(lines[-1])
    assert result["available"], "trayer did not provide a system tray"
    assert result["visible"] and result["geometry"] is not None, f"the icon was not embedded: {result}"
    x, _y, width, height = result["geometry"]
    assert x >= 400, f"not in trayer's tray (top right of the 800-pixel screen): {result}"
    assert width >= 16 and height >= 16
    assert result["red_pixels"] > 0.03 * result["pixels"], f"no count badge on screen: {result}"
    assert result["tooltip"] == "Recipro — 3 things due"
