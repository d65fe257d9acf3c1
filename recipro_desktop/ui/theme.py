"""Light and dark appearance that follows the system (DESIGN §5: Settings › appearance).

Qt ≥ 6.5 reports the system colour scheme through :meth:`QStyleHints.colorScheme` and announces switches with
``colorSchemeChanged``. Where the platform already paints the matching palette (macOS, Windows 11, a GNOME or
KDE platform theme) we leave it alone and keep the native look; where it does not (Fusion without a platform
theme, the offscreen platform in tests) we install a palette of our own. The user can also force light or dark.

Views take semantic colours from :func:`colors` (``given``/``received`` for the balance visual, ``error`` for
inline validation) instead of hard-coding hex values, and :func:`stylesheet` styles labels by a ``role``
property (``label.setProperty("role", "error")``) so the same widget reads well in both schemes.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True, slots=True)
class ThemeColors:
    """Semantic colours; each pair (light/dark) keeps ≥ 3:1 contrast on its window background."""

    given: str
    received: str
    accent: str
    muted: str
    error: str
    warning: str


LIGHT = ThemeColors(
    given="#1a9478", received="#c2780c", accent="#2d62c8", muted="#5f6a76", error="#c62828", warning="#9a6700"
)
DARK = ThemeColors(
    given="#3cc4a3", received="#e5a53d", accent="#6f9ff0", muted="#9aa4af", error="#ff6b6b", warning="#e3b341"
)


def colors(dark: bool) -> ThemeColors:
    return DARK if dark else LIGHT


def dark_palette() -> QPalette:
    """A neutral dark palette for styles that do not follow the system scheme by themselves (Fusion)."""
    window, base, text, disabled = QColor("#232428"), QColor("#1b1c1f"), QColor("#e6e6e6"), QColor("#80848c")
    palette = QPalette(window)
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#26282c"),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#2c2e33"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.ToolTipBase: QColor("#2c2e33"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: disabled,
        QPalette.ColorRole.Highlight: QColor(DARK.accent),
        QPalette.ColorRole.HighlightedText: QColor("#0d0e10"),
        QPalette.ColorRole.Link: QColor(DARK.accent),
    }
    for role, color in roles.items():
        palette.setColor(role, color)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def palette_is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def stylesheet(theme: ThemeColors) -> str:
    """Application QSS: only role-tagged labels, so native styling of everything else is kept."""
    return (
        f'QLabel[role="error"] {{ color: {theme.error}; }}\n'
        f'QLabel[role="warning"] {{ color: {theme.warning}; }}\n'
        f'QLabel[role="muted"] {{ color: {theme.muted}; }}\n'
    )


class ThemeWatcher(QObject):
    """Keeps the application's palette and stylesheet in step with the system (or the user's choice).

    Signals:
        scheme_changed(bool): the effective scheme was (re)applied; True for dark.
    """

    scheme_changed = Signal(bool)

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._override: Qt.ColorScheme | None = None
        self._dark = False
        app.styleHints().colorSchemeChanged.connect(self._on_system_scheme_changed)
        self.apply()

    @property
    def dark(self) -> bool:
        return self._dark

    @property
    def colors(self) -> ThemeColors:
        return colors(self._dark)

    def set_override(self, scheme: Qt.ColorScheme | None) -> None:
        """Force light or dark (``Qt.ColorScheme.Light``/``Dark``), or follow the system again (``None``)."""
        self._override = None if scheme is Qt.ColorScheme.Unknown else scheme
        self.apply()

    def apply(self) -> None:
        """Show the user's choice, else the system's scheme, else whatever the platform palette is."""
        self._app.setPalette(QPalette())  # back to the platform's own palette, which may already match
        native_dark = palette_is_dark(self._app.palette())
        scheme = self._override or self._app.styleHints().colorScheme()
        dark = native_dark if scheme is Qt.ColorScheme.Unknown else scheme is Qt.ColorScheme.Dark
        if dark != native_dark:
            self._app.setPalette(dark_palette() if dark else QPalette(QColor("#efefef")))
        self._app.setStyleSheet(stylesheet(colors(dark)))
        self._dark = dark
        self.scheme_changed.emit(dark)

    @Slot(Qt.ColorScheme)
    def _on_system_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        self.apply()
