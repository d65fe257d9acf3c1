"""The app's icons, by name, from the SVG files compiled into the package.

The sources are ``resources/icons/<name>.svg`` (24×24 stroke icons in one neutral grey that reads on light
and dark backgrounds; item kinds carry one accent colour each so a timeline scans by colour as well as by
shape). ``resources/compile.py`` compiles them into ``forms/recipro_rc.py``; importing this module registers
them under ``:/icons/``. A :class:`QIcon` built from an SVG path is rendered by Qt's SVG icon engine at the
size and device-pixel ratio it is drawn at, so icons stay sharp on high-DPI screens.

Use :func:`icon` with a literal name (``icon("nav-today")``), or the helpers that map domain enums to icons.
``tests/ui/test_icons.py`` checks that every literal name used in ``recipro_desktop/ui`` exists.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QDirIterator, QFile
from PySide6.QtGui import QIcon

from recipro_desktop.ui.forms import recipro_rc

if TYPE_CHECKING:  # the window's first paint needs icons, not the domain model (~30 ms to import)
    from recipro_desktop.core.models import ActKind, Direction, ItemKind

__all__ = ["act_kind_icon", "icon", "icon_names", "icon_path", "item_icon"]

_RESOURCES = recipro_rc  # importing it registers the :/icons resources; keep the name used
PREFIX = ":/icons/"

# Keyed by ItemKind values (a StrEnum member looks up as its string).
_ITEM_ICONS: dict[str, str] = {
    "person": "nav-people",
    "act": "item-act-given",  # refined by direction in item_icon()
    "need": "item-need",
    "commitment": "item-promise",
    "interaction": "item-interaction",
    "entry": "item-note",
    "reminder": "item-reminder",
}


def icon_path(name: str) -> str:
    """The resource path of an icon (for QSS ``image:`` rules or Designer files)."""
    return f"{PREFIX}{name}.svg"


@cache
def icon(name: str) -> QIcon:
    """The icon called ``name`` (its file name without ``.svg``), cached.

    Raises:
        KeyError: no such icon. A typo is a programming error; the icon test catches literal names.
    """
    path = icon_path(name)
    if not QFile.exists(path):
        raise KeyError(f"no icon named {name!r} (expected {path})")
    return QIcon(path)


def act_kind_icon(kind: ActKind) -> QIcon:
    """The icon of an act kind (favor, referral, ...)."""
    return icon(f"act-{kind.value}")


def item_icon(kind: ItemKind, direction: Direction | None = None) -> QIcon:
    """The icon of a timeline or search row; acts show whether they were given or received."""
    if kind == "act" and direction == "received":
        return icon("item-act-received")
    return icon(_ITEM_ICONS[kind])


def icon_names() -> list[str]:
    """Every icon compiled into the package, sorted."""
    names = []
    iterator = QDirIterator(PREFIX.rstrip("/"))
    while iterator.hasNext():
        file_name = iterator.next().rsplit("/", 1)[-1]
        if file_name.endswith(".svg"):
            names.append(file_name.removesuffix(".svg"))
    return sorted(names)
