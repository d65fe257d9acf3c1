"""The install stays lean (issue 10): Recipro depends on PySide6-Essentials only, and every Qt module the code
imports is in it. A feature that needs an Addons module (175 MB wheel, 439 MB installed) must bring the
dependency back on purpose, with its cost measured; this test is where that decision shows."""

from __future__ import annotations

import ast
import tomllib
from importlib.metadata import PackageNotFoundError, files, version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _qt_modules_imported() -> set[str]:
    found: set[str] = set()
    for source in (ROOT / "recipro_desktop").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            found.update(name.split(".")[1] for name in names if name.startswith("PySide6.") and name.count(".") >= 1)
    return found


def test_the_lock_holds_no_pyside6_addons() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    names = {package["name"] for package in lock["package"]}
    assert "pyside6-essentials" in names
    assert "pyside6-addons" not in names and "pyside6" not in names


def test_every_qt_module_the_code_imports_is_in_essentials() -> None:
    modules = _qt_modules_imported()
    assert {"QtCore", "QtGui", "QtWidgets", "QtDBus"} <= modules  # the scan really found the imports
    shipped = {
        Path(str(entry)).name.split(".")[0]
        for entry in files("PySide6-Essentials") or ()
        if str(entry).startswith("PySide6/Qt") and str(entry).endswith((".pyd", ".so"))
    }
    assert modules <= shipped, f"imported from PySide6-Addons: {sorted(modules - shipped)}"
    with pytest.raises(PackageNotFoundError):
        version("PySide6-Addons")
