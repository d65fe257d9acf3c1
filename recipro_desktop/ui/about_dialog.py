"""Help › About Recipro: what it is, its version and licence, the software it runs on, and where the journal is.

Three tabs: *About* (version, one line of what Recipro is, the licence, the homepage, the versions of Qt, PySide6,
SQLCipher, SQLite and Python, the data folder), *Licence* (the GPL text, ``LICENSE``) and *Third-party notices*
(``THIRD_PARTY_NOTICES``: the bundle's file when frozen, otherwise generated from the installed metadata by
:mod:`recipro_desktop.notices`). Generating the notices reads some thirty packages' metadata (~0.3 s), so it runs
on a plain worker thread the first time the tab is shown and comes back by a queued signal. Nothing here touches
the journal.
"""

from __future__ import annotations

import logging
import platform
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, Signal, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from recipro_desktop import APP_NAME, HOMEPAGE, __version__, notices
from recipro_desktop.ui.detached import report_view, run_detached
from recipro_desktop.ui.icons import icon

log = logging.getLogger(__name__)

SUMMARY = (
    "A private, encrypted journal of the give and take in your network: who helped you, who needs what, what you "
    "promised, and whom to thank. Your journal never leaves this computer."
)
LICENSE_LINE = (
    f"{APP_NAME} is free software: you can redistribute it and/or modify it under the terms of the GNU General "
    "Public License, version 3 or (at your option) any later version (GPL-3.0-or-later). It comes with "
    "ABSOLUTELY NO WARRANTY. See the Licence tab; the software it is built on is listed under Third-party notices."
)
LOADING = "Collecting the licences of the installed packages…"


class AboutDialog(QDialog):
    """Version, licence, third-party notices, library versions and the data folder.

    Args:
        data_dir: the open journal's folder (default: where Recipro keeps it, ``paths.default_data_dir``).

    Signals:
        notices_loaded(str): the third-party notices are shown.
    """

    notices_loaded = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, data_dir: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(f"About {APP_NAME}")
        if data_dir is None:
            from recipro_desktop.paths import default_data_dir

            data_dir = default_data_dir()
        self.data_dir = data_dir

        logo = QLabel()
        logo.setPixmap(icon("app").pixmap(64, 64))
        logo.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title_label = QLabel(f"<b style='font-size:16pt'>{APP_NAME}</b>&nbsp;&nbsp;version {__version__}")
        self.title_label.setObjectName("aboutTitle")
        summary = QLabel(SUMMARY)
        summary.setWordWrap(True)
        heading = QVBoxLayout()
        heading.addWidget(self.title_label)
        heading.addWidget(summary)
        top = QHBoxLayout()
        top.addWidget(logo)
        top.addLayout(heading, 1)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("aboutTabs")
        self.tabs.addTab(self._about_page(), "About")
        self.license_view = report_view("licenseText", notices.license_text())
        self.tabs.addTab(self.license_view, "Licence")
        self.notices_view = report_view("noticesText", LOADING)
        self.tabs.addTab(self.notices_view, "Third-party notices")
        self.tabs.currentChanged.connect(self._tab_shown)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(720, 560)

        self._notices_started = False

    # --- the pages ----------------------------------------------------------------------------------------------

    def _about_page(self) -> QWidget:
        page = QWidget()
        license_label = QLabel(LICENSE_LINE)
        license_label.setObjectName("aboutLicense")
        license_label.setWordWrap(True)
        link = QLabel(f'<a href="{HOMEPAGE}">{HOMEPAGE}</a>')
        link.setObjectName("aboutHomepage")
        link.setOpenExternalLinks(True)
        link.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.versions = self._versions()
        form = QFormLayout()
        form.addRow("Homepage:", link)
        for name, value in self.versions.items():
            form.addRow(f"{name}:", self._selectable(value))
        self.data_dir_label = self._selectable(str(self.data_dir))
        self.data_dir_label.setObjectName("aboutDataDir")
        form.addRow("Your journal:", self.data_dir_label)
        layout = QVBoxLayout(page)
        layout.addWidget(license_label)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    @staticmethod
    def _versions() -> dict[str, str]:
        cipher, sqlite, provider = notices.sqlcipher_versions()
        return {
            "Qt": qVersion(),
            "PySide6": PySide6.__version__,
            "SQLCipher": f"{cipher} ({provider})" if provider else cipher or "unknown",
            "SQLite": sqlite or "unknown",
            "Python": f"{platform.python_version()} ({platform.system()} {platform.machine()})",
        }

    @staticmethod
    def _selectable(text: str) -> QLabel:
        label = QLabel(text)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        return label

    # --- notices, on first view -----------------------------------------------------------------------------

    def _tab_shown(self, index: int) -> None:
        if self.tabs.widget(index) is self.notices_view:
            self.load_notices()

    def load_notices(self) -> None:
        """Read or generate the notices once, off the GUI thread (:attr:`notices_loaded` when shown)."""
        if self._notices_started:
            return
        self._notices_started = True
        run_detached(self, notices.notices_text, self._show_notices, name="recipro-notices")

    def _show_notices(self, result: object) -> None:
        if isinstance(result, str):
            self.notices_view.setPlainText(result)
            self.notices_loaded.emit(result)
        else:
            self.notices_view.setPlainText(
                f"The notices could not be read ({type(result).__name__}). They are in the file "
                f"{notices.NOTICES_FILE} of the download, and at {HOMEPAGE}."
            )
