"""Regression test for PySide6 6.12.0 on Python 3.11: every void-returning Qt call dropped a reference to None.

On 3.11 ``None`` is an ordinary refcounted object, so after ~5,000 such calls its count reached zero and
the interpreter aborted with ``Fatal Python error: none_dealloc`` — at a random moment of normal use. On
3.12+ ``None`` is immortal (PEP 683) and the leak is harmless. ``pyproject.toml`` therefore pins
``PySide6 < 6.12`` below Python 3.12 with environment markers.

The calls run in a child process: a regression kills that child, not pytest, and this test then fails with
the child's stderr instead of taking the whole suite down.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version

import pytest

CALLS = 20_000

CHILD = f"""
import json, sys
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QWidget

app = QApplication([])
obj, widget = QObject(), QWidget()
before = sys.getrefcount(None)
for i in range({CALLS}):
    obj.setObjectName("probe")  # void C++ method: returns None to Python
    widget.setToolTip("probe")
after = sys.getrefcount(None)
print(json.dumps({{"before": before, "after": after}}))
"""


def _release(dist: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version(dist).split(".")[:2])


def test_void_qt_calls_do_not_leak_none() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONFAULTHANDLER": "1"}
    proc = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"child died ({proc.returncode}) after void Qt calls:\n{proc.stderr[-2000:]}"
    counts = json.loads(proc.stdout.strip().splitlines()[-1])
    if sys.version_info >= (3, 12):
        return  # None is immortal: its reported refcount is a constant, nothing to compare
    # 2 * CALLS calls were made; the bug drops one reference per call. Allow unrelated noise of a few hundred.
    assert counts["after"] >= counts["before"] - 500, counts


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the pin only applies below Python 3.12 (immortal None)")
def test_installed_pyside6_respects_the_pin() -> None:
    dist = "PySide6-Essentials"  # the only Qt distribution Recipro depends on (tests/packaging/test_dependencies.py)
    assert _release(dist) < (6, 12), f"{dist} {version(dist)} crashes Python 3.11 (see pyproject.toml)"
