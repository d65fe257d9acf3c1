"""The architecture's import rules, checked on every module instead of hoped for (DESIGN §3, STYLE "Layout").

- ``core/`` is pure Python: no Qt, no SQLAlchemy/Alembic/SQLCipher, no keyring, and no import of the layers
  above it (``storage``, ``services``, ``ui``, ``app``, ``cli``).
- Only ``recipro_desktop/ui/`` and ``recipro_desktop/app.py`` import PySide6 or shiboken6.
- ``storage/`` does not import ``services``, ``ui``, ``app`` or ``cli``; ``services/`` does not import ``ui``,
  ``app`` or ``cli``.

ruff's ``banned-api`` (pyproject) already rejects PySide6 outside ``ui/`` and ``app.py`` at lint time; this
test covers the other rules, and also catches imports written in ways a lint can miss: relative imports
(``from ..storage import x``), imports inside functions or ``TYPE_CHECKING`` blocks, and
``importlib.import_module("...")`` / ``__import__("...")`` with a literal name. A second check imports the
layers in a fresh interpreter and looks at ``sys.modules``, which catches a transitive import (a helper
module, or a third-party package, that pulls in Qt or SQLAlchemy behind the layer's back).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = "recipro_desktop"
PACKAGE_DIR = Path(__file__).resolve().parent.parent / PACKAGE

QT = ("PySide6", "shiboken6")
DATABASE = ("sqlalchemy", "alembic", "sqlcipher3")
UPPER = {
    "core": ("storage", "services", "ui", "app", "cli"),
    "storage": ("services", "ui", "app", "cli"),
    "services": ("ui", "app", "cli"),
}
FORBIDDEN_THIRD_PARTY = {"core": (*QT, *DATABASE, "keyring")}
QT_ALLOWED = ("ui", "app")  # first component of the module path under the package


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    imported: str
    rule: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.imported} ({self.rule})"


def module_name(path: Path, root: Path, package: str) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([package, *parts])


def _resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join([*base, name] if name else base)


def imported_names(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every module a file imports, as absolute dotted names with their line (``from a import b`` gives
    ``a`` and ``a.b``, since ``b`` may be a submodule)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_relative(module, is_package, node.level, node.module) if node.level else node.module or ""
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names if alias.name != "*"]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return found


def _top(name: str) -> str:
    return name.split(".", maxsplit=1)[0]


def check_package(root: Path, package: str = PACKAGE) -> tuple[list[Violation], int]:
    """Check every ``.py`` file under ``root`` (the package directory). Returns (violations, files checked)."""
    violations: list[Violation] = []
    files = sorted(root.rglob("*.py"))
    for path in files:
        module = module_name(path, root, package)
        rel = module.split(".")[1:]
        layer = rel[0] if rel else ""
        tree = ast.parse(path.read_bytes(), filename=str(path))
        for line, name in imported_names(tree, module, path.name == "__init__.py"):
            if _top(name) in QT and layer not in QT_ALLOWED:
                violations.append(Violation(module, line, name, "only ui/ and app.py may import Qt"))
            if _top(name) in FORBIDDEN_THIRD_PARTY.get(layer, ()) and _top(name) not in QT:
                violations.append(Violation(module, line, name, f"{layer}/ must not depend on {_top(name)}"))
            parts = name.split(".")
            if parts[0] == package and len(parts) > 1 and parts[1] in UPPER.get(layer, ()):
                violations.append(Violation(module, line, name, f"{layer}/ must not import {parts[1]}"))
    return violations, len(files)


def test_package_respects_layering() -> None:
    violations, checked = check_package(PACKAGE_DIR)
    assert checked > 10, f"only {checked} files found under {PACKAGE_DIR}: is the path right?"
    assert not violations, "layering violations:\n" + "\n".join(str(v) for v in violations)


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_checker_catches_each_kind_of_violation(tmp_path: Path) -> None:
    """Self-test: a package with one bad import of every kind (and a few allowed ones) gives exactly these."""
    pkg = tmp_path / "recipro_desktop"
    for init in ("", "core/", "storage/", "services/", "ui/"):
        _write(pkg, f"{init}__init__.py", "")
    _write(pkg, "core/bad_qt.py", "from PySide6.QtCore import QObject\n")
    _write(pkg, "core/bad_db.py", "def f():\n    import sqlalchemy.orm\n")
    _write(pkg, "core/bad_keyring.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import keyring\n")
    _write(pkg, "core/bad_relative.py", "from ..storage import tables\n")
    _write(pkg, "core/bad_dynamic.py", "import importlib\nimportlib.import_module('recipro_desktop.ui.icons')\n")
    _write(pkg, "core/good.py", "import enum\nfrom . import good2\nfrom .good2 import x\n")
    _write(pkg, "core/good2.py", "x = 1\n")
    _write(pkg, "storage/bad.py", "from recipro_desktop.services import journal\n")
    _write(pkg, "storage/bad_qt.py", "import shiboken6\n")
    _write(pkg, "storage/good.py", "import sqlalchemy\nfrom recipro_desktop.core import models\n")
    _write(pkg, "services/bad.py", "from recipro_desktop import ui\n")
    _write(pkg, "services/good.py", "from recipro_desktop.storage import tables\nimport keyring\n")
    _write(pkg, "ui/good.py", "from PySide6.QtWidgets import QWidget\nfrom recipro_desktop.services import x\n")
    _write(pkg, "app.py", "from PySide6.QtWidgets import QApplication\n")
    _write(pkg, "cli.py", "import PySide6\n")

    violations, checked = check_package(pkg)

    assert checked == 20
    found = {(v.module, v.imported) for v in violations}
    assert found == {
        ("recipro_desktop.core.bad_qt", "PySide6.QtCore"),
        ("recipro_desktop.core.bad_qt", "PySide6.QtCore.QObject"),
        ("recipro_desktop.core.bad_db", "sqlalchemy.orm"),
        ("recipro_desktop.core.bad_keyring", "keyring"),
        ("recipro_desktop.core.bad_relative", "recipro_desktop.storage"),
        ("recipro_desktop.core.bad_relative", "recipro_desktop.storage.tables"),
        ("recipro_desktop.core.bad_dynamic", "recipro_desktop.ui.icons"),
        ("recipro_desktop.storage.bad", "recipro_desktop.services"),
        ("recipro_desktop.storage.bad", "recipro_desktop.services.journal"),
        ("recipro_desktop.storage.bad_qt", "shiboken6"),
        ("recipro_desktop.services.bad", "recipro_desktop.ui"),
        ("recipro_desktop.cli", "PySide6"),
    }


RUNTIME_PROBE = """
import importlib, json, pkgutil, sys
import recipro_desktop.{layer} as layer
for info in pkgutil.walk_packages(layer.__path__, layer.__name__ + "."):
    if ".migrations" not in info.name:
        importlib.import_module(info.name)
print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}})))
"""


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [("core", (*QT, *DATABASE, "keyring")), ("storage", QT), ("services", QT)],
)
def test_layer_does_not_load_forbidden_modules_at_runtime(layer: str, forbidden: tuple[str, ...]) -> None:
    """Import every module of a layer in a fresh interpreter: Qt (and for core, the database) stays unloaded."""
    proc = subprocess.run(
        [sys.executable, "-c", RUNTIME_PROBE.format(layer=layer)],
        cwd=PACKAGE_DIR.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    loaded = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert not loaded & set(forbidden), f"importing {layer}/ loads {sorted(loaded & set(forbidden))}"
