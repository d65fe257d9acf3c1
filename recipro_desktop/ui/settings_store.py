"""The user's Qt settings (window layout, "already told" flags, tray preferences), carried over from Recipro 0.1.

Recipro 0.1 named Qt's organisation ``Recipro`` (``~/.config/Recipro/Recipro.conf`` on Linux,
``HKCU\\Software\\Recipro\\Recipro`` on Windows, ``com.recipro.Recipro.plist`` on macOS). Since the app took one
reverse-DNS identity (``recipro_desktop.APP_REVERSE_DNS``) the settings live under ``io.github.recipro``
(``~/.config/io.github.recipro/Recipro.conf``; ``io.github.recipro.Recipro.plist`` on macOS). The first start
after the upgrade copies every old key into the new place once and then empties the old one, so the user keeps
their window layout and nothing is asked twice. Only layout and flags live there, never journal content
(RELIABILITY B11, G10).
"""

from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QSettings

log = logging.getLogger(__name__)

LEGACY_ORGANIZATION = "Recipro"  # Recipro 0.1's QCoreApplication organisation name (it set no domain)
LEGACY_APPLICATION = "Recipro"


def legacy_settings() -> QSettings:
    """Recipro 0.1's settings, wherever this platform kept them."""
    return QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, LEGACY_ORGANIZATION, LEGACY_APPLICATION)


def user_settings() -> QSettings:
    """The app's settings (named by ``make_application``), with 0.1's carried over the first time."""
    settings = QSettings()
    migrate_settings(legacy_settings(), settings)
    return settings


def migrate_settings(old: QSettings, new: QSettings) -> int:
    """Copy every key of ``old`` into ``new`` when ``new`` is still empty, then empty ``old``.

    Returns how many keys were copied. A ``new`` that already holds keys is never overwritten (the user has used
    this version already; what is left in ``old`` came from running 0.1 again and is left for it). The old file
    is removed when it is a file (Linux, and the ini format) and its folder too when nothing else is in it;
    macOS's preferences daemon is emptied through Qt; Windows' registry key too, and it is then deleted, with the
    organisation's key when nothing else is in it.
    """
    if old.fileName() == new.fileName():
        return 0
    keys = old.allKeys()
    if not keys or new.allKeys():
        return 0
    for key in keys:
        new.setValue(key, old.value(key))
    new.sync()
    if new.status() is not QSettings.Status.NoError:
        log.warning("could not carry the 0.1 settings over (%s); left where they were", new.status().name)
        return 0
    old.clear()
    old.sync()
    path = Path(old.fileName())
    if sys.platform == "win32" and old.format() is QSettings.Format.NativeFormat:
        _remove_empty_registry_keys(old.fileName())
    elif sys.platform != "darwin" and path.is_file():
        with contextlib.suppress(OSError):
            path.unlink()
            path.parent.rmdir()  # only when nothing else is in it
    log.info("settings of Recipro 0.1 carried over (%d keys)", len(keys))
    return len(keys)


REGISTRY_USER = "\\HKEY_CURRENT_USER\\"


def _remove_empty_registry_keys(location: str) -> None:
    """Delete the emptied key ``location`` (``\\HKEY_CURRENT_USER\\Software\\Org\\App``, as
    ``QSettings.fileName`` spells it), then its organisation's key when nothing else is in it; never
    ``Software`` itself. Qt's ``clear()`` empties the application's key but leaves it and its parent behind."""
    if sys.platform != "win32" or not location.startswith(REGISTRY_USER):
        return
    import winreg

    key = location[len(REGISTRY_USER) :]
    while "\\" in key:
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as handle:
                subkeys, values, _modified = winreg.QueryInfoKey(handle)
            if subkeys or values:
                return
            winreg.DeleteKey(winreg.HKEY_CURRENT_USER, key)
        except OSError:
            return
        key = key.rpartition("\\")[0]
