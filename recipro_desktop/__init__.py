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
