"""The icon set: every SVG is valid, every name the code asks for exists, and icons render sharp at any size."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QIcon, QImage
from PySide6.QtSvg import QSvgRenderer
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import ActKind, Direction, ItemKind
from recipro_desktop.ui import icons
from recipro_desktop.ui.icons import act_kind_icon, icon, icon_names, item_icon

ROOT = Path(__file__).resolve().parents[2]
ICON_DIR = ROOT / "resources" / "icons"
SVGS = sorted(ICON_DIR.glob("*.svg"))
UI_PACKAGE = ROOT / "recipro_desktop" / "ui"

#: The set the product needs (issue 2/3): navigation, item kinds, the ten act kinds, tray states, the app.
REQUIRED = {
    "app",
    *(f"nav-{n}" for n in ("today", "people", "timeline", "needs", "gratitude", "insights", "settings", "search")),
    "nav-add",
    *(f"item-{n}" for n in ("act-given", "act-received", "need", "promise", "interaction", "note", "reminder")),
    *(f"act-{kind.value}" for kind in ActKind),
    "tray-idle",
    "tray-pending",
}
#: Backgrounds an icon must read on with ≥ 3:1 contrast (WCAG 1.4.11 for graphics): white, Fusion's light
#: window, a typical dark window and our dark palette's window and base (theme.py).
BACKGROUNDS = ("#ffffff", "#efefef", "#1e1f22", "#232428", "#1b1c1f")
SELF_BACKED = {"app", "tray-idle", "tray-pending"}  # draw their own tile; colours are checked against it


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_set_is_complete_and_compiled_in() -> None:
    on_disk = {p.stem for p in SVGS}
    assert on_disk >= REQUIRED, f"missing: {sorted(REQUIRED - on_disk)}"
    assert icon_names() == sorted(on_disk), "resources/compile.py was not re-run after adding an icon"


@pytest.mark.parametrize("path", SVGS, ids=lambda p: p.stem)
def test_svg_is_valid_24px_and_colour_safe(path: Path) -> None:
    renderer = QSvgRenderer(str(path))
    assert renderer.isValid()
    assert renderer.viewBoxF() == QRectF(0, 0, 24, 24)
    text = path.read_text(encoding="utf-8")
    assert "currentColor" not in text, "Qt's SVG engine paints currentColor black: use a fixed colour"
    if path.stem not in SELF_BACKED:
        colours = set(re.findall(r'(?:stroke|fill)="(#[0-9a-fA-F]{6})"', text))
        assert colours, "every icon states its colour"
        for colour in colours:
            for background in BACKGROUNDS:
                assert _contrast(colour, background) >= 3.0, f"{colour} on {background}"


def _opaque_pixels(image: QImage) -> int:
    return sum(1 for y in range(image.height()) for x in range(image.width()) if image.pixelColor(x, y).alpha() > 0)


@pytest.mark.parametrize("name", [p.stem for p in SVGS])
def test_icon_renders_at_16_and_64_px_and_scales(qtbot: QtBot, name: str) -> None:
    qicon = icon(name)
    assert not qicon.isNull()
    for size in (16, 64):
        image = qicon.pixmap(QSize(size, size)).toImage()
        assert image.size() == QSize(size, size)
        assert _opaque_pixels(image) >= size * size // 50, f"{name} is (nearly) empty at {size} px"
    # SVG engine: a 2x screen gets a 2x bitmap rendered from the vector, not an upscaled small one.
    hidpi = qicon.pixmap(QSize(32, 32), 2.0)
    assert hidpi.size() == QSize(64, 64)
    assert hidpi.devicePixelRatio() == 2.0


def test_icons_are_cached_and_unknown_names_fail_loudly(qtbot: QtBot) -> None:
    assert icon("nav-today") is icon("nav-today")
    with pytest.raises(KeyError, match="nav-todya"):
        icon("nav-todya")


def test_every_domain_kind_has_an_icon(qtbot: QtBot) -> None:
    for kind in ActKind:
        assert not act_kind_icon(kind).isNull()
    for item_kind in ItemKind:
        for direction in (None, *Direction):
            assert not item_icon(item_kind, direction).isNull()
    given = item_icon(ItemKind.ACT, Direction.GIVEN).pixmap(24).toImage()
    received = item_icon(ItemKind.ACT, Direction.RECEIVED).pixmap(24).toImage()
    assert given != received, "given and received acts must look different"


def _literal_icon_names() -> set[tuple[str, str]]:
    """(file, name) for every literal name passed to icon()/icon_path() and every ':/icons/x.svg' in the code."""
    found: set[tuple[str, str]] = set()
    for path in sorted(UI_PACKAGE.rglob("*.py")):
        if "forms" in path.relative_to(UI_PACKAGE).parts:
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called in ("icon", "icon_path") and isinstance(node.args[0].value, str):
                    found.add((path.name, node.args[0].value))
        if path.name == "icons.py":  # the enum mapping table
            found |= {(path.name, name) for name in re.findall(r'ItemKind\.\w+: "([\w-]+)"', source)}
        found |= {(path.name, name) for name in re.findall(r":/icons/([\w-]+)\.svg", source)}
    for ui_file in sorted((ROOT / "ui").glob("*.ui")):
        found |= {(ui_file.name, n) for n in re.findall(r":/icons/([\w-]+)\.svg", ui_file.read_text("utf-8"))}
    return found


def test_every_icon_name_referenced_in_the_code_exists() -> None:
    referenced = _literal_icon_names()
    names = {name for _, name in referenced}
    assert {"item-act-received", "item-need", "app"} <= names, "the scan found the known references"
    available = set(icon_names())
    missing = sorted((f, n) for f, n in referenced if n not in available)
    assert not missing, f"icons referenced but not compiled in: {missing}"
    assert icons.PREFIX == ":/icons/"


def test_app_icon_is_usable_as_window_icon(qtbot: QtBot) -> None:
    app_icon = QIcon(icons.icon_path("app"))
    image = app_icon.pixmap(QSize(64, 64)).toImage()
    centre = image.pixelColor(32, 4)
    assert centre.alpha() == 255, "the app mark is an opaque tile (reads on any panel)"
