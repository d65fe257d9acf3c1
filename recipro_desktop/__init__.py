"""Recipro: a private, encrypted desktop journal of the reciprocal relationships in a person's network."""

import os
import sys

DISTRIBUTION = "recipro-desktop"  # the name on PyPI ("recipro" there is another author's project)
_DIST_INFO_PREFIX = "recipro_desktop-"  # how installers spell the distribution in a .dist-info folder name
FALLBACK_VERSION = "0.1.0"  # a source tree that was not installed (e.g. a frozen bundle)


def _installed_version() -> str:
    """The installed distribution's version, from its ``recipro_desktop-<version>.dist-info`` folder name.

    ``importlib.metadata`` would give the same answer but costs ~50 ms of imports (``email``, ``zipfile``…) on
    the way to the window's first paint (DESIGN §6, ``benchmarks/gui_start.py``); it is only the fallback here,
    when there is not exactly one such folder on ``sys.path``.
    """
    found: set[str] = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found.update(
            n[len(_DIST_INFO_PREFIX) : -len(".dist-info")]
            for n in names
            if n.startswith(_DIST_INFO_PREFIX) and n.endswith(".dist-info")
        )
    if len(found) == 1:
        return found.pop()
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return FALLBACK_VERSION


__version__ = _installed_version()

APP_NAME = "Recipro"
APP_ID = "recipro"
"""The short, lower-case name: the command, the data folder (``platformdirs.user_data_dir("recipro")``, where a
0.1 journal is and stays), the keyring service and the log folder. Never renamed: the journal would be lost."""

APP_REVERSE_DNS = "io.github.recipro.Recipro"
"""The application's one reverse-DNS identity, everywhere a desktop names the app: the AppStream component id,
the desktop entry's file name (``io.github.recipro.Recipro.desktop``, which ``QGuiApplication.desktopFileName``
names so Wayland matches windows to it), the icon in the hicolor theme, the macOS bundle identifier, the
LaunchAgent label and the XDG autostart file, and Qt's settings (:data:`SETTINGS_ORGANIZATION`,
:data:`ORGANIZATION_DOMAIN`). Its last part is :data:`APP_NAME`, the application name Qt puts in X11's WM_CLASS."""

SETTINGS_ORGANIZATION = APP_REVERSE_DNS.rpartition(".")[0]
"""``io.github.recipro``: Qt's organisation name, the folder of the settings file on Linux
(``~/.config/io.github.recipro/Recipro.conf``) and the registry key on Windows."""

ORGANIZATION_DOMAIN = ".".join(reversed(SETTINGS_ORGANIZATION.split(".")))
"""``recipro.github.io``: Qt's organisation domain; on macOS the settings are ``io.github.recipro.Recipro.plist``,
named after the bundle identifier as Apple expects."""

HOMEPAGE = "https://github.com/recipro/recipro"
