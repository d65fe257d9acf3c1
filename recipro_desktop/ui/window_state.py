"""Remembered window geometry, tool bar/dock state and splitter positions (Picard's ``PreserveGeometry``).

A window mixes in :class:`WindowStateMixin` and calls :meth:`~WindowStateMixin.init_window_state` at the end of
its constructor (once its widgets exist) with a :class:`QSettings` and a key: its size and position, its
``QMainWindow`` state and the state of every **named** ``QSplitter`` inside it are restored right away (before
the first show, so the window never jumps) and saved whenever it is hidden or closed after having been shown.
Splitters created later (a view built lazily) are restored by :meth:`~WindowStateMixin.restore_splitters` when
they appear.

Only layout is stored, never content: QSettings files are plaintext (RELIABILITY B11, G10). The settings object
is passed in, so tests use a throw-away ini file and the app uses the user's ``QSettings()``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QCloseEvent, QHideEvent, QShowEvent
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

log = logging.getLogger(__name__)

GROUP = "windows"


class WindowStateMixin:
    """Saves and restores the layout of the ``QWidget`` it is mixed into (list it before the Qt class).

    The mixin overrides ``showEvent``, ``hideEvent`` and ``closeEvent`` and passes them on; a window that also
    overrides them must call ``super()``.
    """

    _ws_settings: QSettings | None = None
    _ws_key = ""
    _ws_shown = False

    def init_window_state(self, settings: QSettings, key: str, *, splitters: Sequence[QSplitter] | None = None) -> bool:
        """Remember this window's layout in ``settings`` under ``windows/<key>/`` and restore it now.

        Args:
            splitters: the named splitters to restore now; None looks for them all (a ``findChildren`` walk over
                every widget, which a window built before its first paint may want to spare).

        Returns:
            True when a stored geometry was applied (else the window keeps its default size).
        """
        self._ws_settings = settings
        self._ws_key = key
        self._ws_shown = False
        return self.restore_window_state(splitters)

    # --- keys -------------------------------------------------------------------------------------------

    def _ws_path(self, name: str) -> str:
        return f"{GROUP}/{self._ws_key}/{name}"

    def _ws_widget(self) -> QWidget:
        assert isinstance(self, QWidget), "WindowStateMixin must be mixed into a QWidget"
        return self

    def _ws_bytes(self, name: str) -> QByteArray | None:
        assert self._ws_settings is not None
        value = self._ws_settings.value(self._ws_path(name))
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        if isinstance(value, bytes | bytearray) and value:
            return QByteArray(bytes(value))
        return None

    def _named_splitters(self) -> list[QSplitter]:
        return [s for s in self._ws_widget().findChildren(QSplitter) if s.objectName()]

    # --- save / restore ----------------------------------------------------------------------------------

    def save_window_state(self) -> None:
        """Write geometry, main-window state and splitter sizes now (also done on hide and close)."""
        if self._ws_settings is None or not self._ws_shown:
            return  # never shown: nothing meaningful to save, and saving would overwrite the stored layout
        widget = self._ws_widget()
        settings = self._ws_settings
        settings.setValue(self._ws_path("geometry"), widget.saveGeometry())
        if isinstance(widget, QMainWindow):
            settings.setValue(self._ws_path("state"), widget.saveState())
        for splitter in self._named_splitters():
            settings.setValue(self._ws_path(f"splitters/{splitter.objectName()}"), splitter.saveState())
        settings.sync()

    def restore_window_state(self, splitters: Sequence[QSplitter] | None = None) -> bool:
        """Apply the stored layout; False when nothing was stored (the window keeps its default size)."""
        if self._ws_settings is None:
            return False
        widget = self._ws_widget()
        restored = False
        geometry = self._ws_bytes("geometry")
        if geometry is not None:
            restored = widget.restoreGeometry(geometry)
        state = self._ws_bytes("state")
        if state is not None and isinstance(widget, QMainWindow):
            widget.restoreState(state)
        if splitters is None:
            self.restore_splitters()
        else:
            for splitter in splitters:
                self.restore_splitters(splitter)
        return restored

    def restore_splitters(self, within: QWidget | None = None) -> None:
        """Restore the named splitters inside ``within`` (and ``within`` itself; default: the whole window)."""
        if self._ws_settings is None:
            return
        root = within if within is not None else self._ws_widget()
        splitters = [root] if isinstance(root, QSplitter) else []
        if within is None or not isinstance(root, QSplitter):
            splitters += root.findChildren(QSplitter)
        for splitter in splitters:
            if splitter.objectName():
                stored = self._ws_bytes(f"splitters/{splitter.objectName()}")
                if stored is not None:
                    splitter.restoreState(stored)

    # --- Qt events ----------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        self._ws_shown = True
        super().showEvent(event)  # type: ignore[misc]

    def hideEvent(self, event: QHideEvent) -> None:
        if not event.spontaneous():
            self.save_window_state()
        super().hideEvent(event)  # type: ignore[misc]

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_window_state()
        super().closeEvent(event)  # type: ignore[misc]
