"""Fonts for Qt's headless platforms on Windows (before the QApplication exists).

The ``windows`` platform asks Windows for its fonts; ``offscreen`` and ``minimal`` (a ``--screenshot``, the
self-test's window check, a build machine, the tests) read font files from ``QT_QPA_FONTDIR``, by default a
``lib/fonts`` folder that PySide6 does not ship: without a folder named there, every letter is an empty box.
On Linux both read the system's fonts through fontconfig, so nothing is needed there.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from pathlib import Path


def windows_fonts_for_offscreen(environ: MutableMapping[str, str] = os.environ) -> None:
    """On Windows, point ``QT_QPA_FONTDIR`` at the system's fonts folder unless it is set; the ``windows``
    platform ignores the variable, so this is safe to call for every start."""
    if sys.platform == "win32" and not environ.get("QT_QPA_FONTDIR"):
        fonts = Path(environ.get("WINDIR") or environ.get("SystemRoot") or r"C:\Windows") / "Fonts"
        if fonts.is_dir():
            environ["QT_QPA_FONTDIR"] = str(fonts)
