"""The main window: navigation, the views, global search, menus, status bar. It composes and wires; the views work.

Start-up order matters for a fast first paint (DESIGN §6): the window is built and shown **before** the journal
is open — navigation, tool bar, search box and status bar, with an "Opening your journal…" page — and
:meth:`MainWindow.attach_journal` adds the client once the journal is unlocked in the background. Views are built
the first time they are shown (their modules, and the storage layer behind the client, are imported then), so
the first paint costs only Qt widgets.

Pages: Today, People, Timeline, Needs, Gratitude (Ctrl+1…5, also in the View menu), and the person page that
any view opens through its ``person_requested`` signal; Alt+Left goes back. The window owns the
:class:`QUndoStack` behind Edit › Undo/Redo and passes it to views whose constructor takes ``undo_stack``.

The title is always just "Recipro": never a contact's name (RELIABILITY G10).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from PySide6 import QtCore  # ``QtCore.Qt`` only inside methods: see main_window.KEY_ROLE
from PySide6.QtCore import QSettings, QSize, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from recipro_desktop import APP_NAME
from recipro_desktop.ui.error_reporter import ErrorReporter
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.search_box import SearchBox
from recipro_desktop.ui.window_state import WindowStateMixin

if TYPE_CHECKING:  # the domain model costs ~20 ms to import: not on the way to the first paint
    from recipro_desktop.core.models import SearchHit
    from recipro_desktop.paths import JournalPaths
    from recipro_desktop.services.journal import JournalService
    from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.journal_status import JournalStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Page:
    """A navigation page: its key, label, icon, shortcut and where its view class lives (imported lazily)."""

    key: str
    title: str
    icon: str
    shortcut: str
    module: str
    cls: str


PAGES: tuple[Page, ...] = (
    Page("today", "Today", "nav-today", "Ctrl+1", "recipro_desktop.ui.today_view", "TodayView"),
    Page("people", "People", "nav-people", "Ctrl+2", "recipro_desktop.ui.people_view", "PeopleView"),
    Page("timeline", "Timeline", "nav-timeline", "Ctrl+3", "recipro_desktop.ui.timeline_view", "TimelineView"),
    Page("needs", "Needs", "nav-needs", "Ctrl+4", "recipro_desktop.ui.needs_view", "NeedsView"),
    Page("gratitude", "Gratitude", "nav-gratitude", "Ctrl+5", "recipro_desktop.ui.gratitude_view", "GratitudeView"),
)
PERSON_PAGE = Page("person", "Person", "nav-people", "", "recipro_desktop.ui.person_page", "PersonPage")
QUICK_ADD = ("recipro_desktop.ui.quick_add_dialog", "QuickAddDialog")
IMPORT_DIALOG = ("recipro_desktop.ui.import_wizard", "ImportWizard")
EXPORT_DIALOG = ("recipro_desktop.ui.export_dialog", "ExportDialog")
SETTINGS_DIALOG = ("recipro_desktop.ui.settings_dialog", "SettingsDialog")
SELF_TEST_DIALOG = ("recipro_desktop.ui.self_test_dialog", "SelfTestDialog")
DIALOGS = (QUICK_ADD, IMPORT_DIALOG, EXPORT_DIALOG, SETTINGS_DIALOG, SELF_TEST_DIALOG)
"""The window's dialogs, imported when first opened (the self-test checks each is in the build)."""
# Where a search hit that belongs to nobody in particular is shown.
HIT_PAGES = {"need": "needs", "reminder": "today"}  # ItemKind values (a StrEnum member looks up as its string)
# The navigation reads as a sidebar: no frame, the window's background, rounded rows; ``palette()`` references
# keep it right in light and dark (the theme can switch at run time).
NAV_STYLE = (
    "QListWidget#navigationList { background: transparent; border: none; outline: none; padding: 8px 6px; }"
    "QListWidget#navigationList::item { padding: 4px 8px; border-radius: 6px; color: palette(window-text); }"
    "QListWidget#navigationList::item:hover { background: palette(light); }"
    "QListWidget#navigationList::item:selected { background: palette(midlight); color: palette(window-text); }"
)
# ``Qt.ItemDataRole.UserRole`` as a number: everything built before the first paint avoids the ``Qt`` namespace,
# whose first use costs ~20 ms (PySide creates all of its enums at once; DESIGN §6 cold start).
KEY_ROLE = 256


def build_view(page: Page, client: JournalClient, parent: QWidget, undo_stack: QUndoStack) -> QWidget:
    """Import the page's module and construct its view, passing the undo stack where the view accepts one."""
    cls = getattr(importlib.import_module(page.module), page.cls)
    kwargs: dict[str, Any] = {}
    if "undo_stack" in inspect.signature(cls).parameters:
        kwargs["undo_stack"] = undo_stack
    view: QWidget = cls(client, parent, **kwargs)
    return view


class MainWindow(WindowStateMixin, QMainWindow):
    """The application window (see the module docstring).

    Signals:
        page_shown(str): a page became current ("today", "people", …, "person").
        journal_attached(): the client is set and the first page is being built.
        settings_changed(str): a setting was changed in the Settings dialog (its key).
    """

    page_shown = Signal(str)
    journal_attached = Signal()
    settings_changed = Signal(str)

    def __init__(
        self,
        client: JournalClient | None = None,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
        backup: Callable[[JournalService], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(icon("app"))
        self.resize(1200, 780)
        self.client: JournalClient | None = None
        self.journal_paths: JournalPaths | None = None
        self.undo_stack = QUndoStack(self)
        self.errors = ErrorReporter(self, self)
        self._backup = backup
        self._views: dict[str, QWidget] = {}
        self._current = ""
        self._history: list[tuple[str, UUID | None]] = []
        self._person_id: UUID | None = None
        self._build_body()
        self._build_actions()
        self._build_status_bar()
        self.init_window_state(settings if settings is not None else QSettings(), "main", splitters=[self.splitter])
        if client is not None:
            self.attach_journal(client)

    # --- construction ---------------------------------------------------------------------------------------

    def _build_body(self) -> None:
        self.nav = QListWidget()
        self.nav.setObjectName("navigationList")
        self.nav.setAccessibleName("Pages")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setStyleSheet(NAV_STYLE)
        self.nav.setSpacing(1)
        self.nav.setMinimumWidth(150)
        for page in PAGES:
            item = QListWidgetItem(icon(page.icon), page.title)
            item.setData(KEY_ROLE, page.key)
            item.setToolTip(f"{page.title} ({page.shortcut})")
            item.setSizeHint(QSize(140, 34))
            self.nav.addItem(item)
        self.nav.currentItemChanged.connect(self._nav_changed)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pageStack")
        self.loading_page = QWidget()
        self.loading_label = QLabel("Opening your journal…")
        self.loading_label.setObjectName("loadingLabel")
        self.loading_label.setProperty("role", "muted")
        self.loading_bar = QProgressBar()
        self.loading_bar.setObjectName("loadingBar")
        self.loading_bar.setAccessibleName("Opening the journal")
        self.loading_bar.setRange(0, 0)
        self.loading_bar.setTextVisible(False)
        self.loading_bar.setFixedWidth(260)
        column = QVBoxLayout()
        column.addWidget(self.loading_label)
        column.addWidget(self.loading_bar)
        centred = QHBoxLayout()  # centred with stretches rather than alignment flags (see KEY_ROLE)
        centred.addStretch()
        centred.addLayout(column)
        centred.addStretch()
        layout = QVBoxLayout(self.loading_page)
        layout.addStretch(2)
        layout.addLayout(centred)
        layout.addStretch(3)
        self.stack.addWidget(self.loading_page)
        self.splitter = QSplitter()  # horizontal
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([170, 1030])
        self.setCentralWidget(self.splitter)
        self.search = SearchBox(None, self)
        self.search.hit_activated.connect(self.open_hit)
        self.search.dismissed.connect(self._focus_page)
        toolbar = QToolBar("Main tool bar", self)
        toolbar.setObjectName("mainToolBar")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        toolbar.setIconSize(QSize(20, 20))
        self.toolbar = toolbar
        self.addToolBar(toolbar)

    def _action(
        self, text: str, slot: Callable[[], object], shortcuts: tuple[str, ...] = (), icon_name: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # shortcuts work even while the menu bar is hidden or a page has focus
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.quick_add_action = self._action("&Quick add…", self.quick_add, ("Ctrl+N",), "nav-add")
        self.quick_add_action.setToolTip("Log an act, a need, a promise, an interaction or a note (Ctrl+N)")
        self.backup_action = self._action("&Back up now", self.backup_now)
        self.import_action = self._action("&Import CSV…", self.import_csv, ("Ctrl+I",))
        self.import_action.setToolTip("Import contacts or a Recipro export from a CSV file")
        self.export_action = self._action("&Export…", self.export_data, ("Ctrl+Shift+E",))
        self.export_action.setToolTip("Export everything as CSV files (not encrypted)")
        self.quit_action = self._action("&Quit", self.close, ("Ctrl+Q",))  # menu roles: Qt's text heuristic
        file_menu.addActions([self.quick_add_action, self.backup_action])
        file_menu.addSeparator()
        file_menu.addActions([self.import_action, self.export_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])  # "Ctrl" is Command on macOS
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.addActions([self.undo_action, self.redo_action])
        self.find_action = self._action("&Search everything", self.focus_search, ("Ctrl+K", "Ctrl+F"), "nav-search")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        self.settings_action = self._action("Se&ttings…", self.show_settings, ("Ctrl+,",), "nav-settings")
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        edit_menu.addSeparator()
        edit_menu.addAction(self.settings_action)
        view_menu = bar.addMenu("&View")
        group = QActionGroup(self)
        self.page_actions: dict[str, QAction] = {}
        for page in PAGES:
            action = self._action(
                f"&{page.title}", functools.partial(self.show_page, page.key), (page.shortcut,), page.icon
            )
            action.setCheckable(True)
            group.addAction(action)
            view_menu.addAction(action)
            self.page_actions[page.key] = action
        view_menu.addSeparator()
        self.back_action = self._action("Go &back", self.go_back, ("Alt+Left",))
        self.back_action.setEnabled(False)
        view_menu.addAction(self.back_action)
        help_menu = bar.addMenu("&Help")
        self.shortcuts_action = self._action("&Keyboard shortcuts", self.show_shortcuts, ("Ctrl+/",))
        self.self_test_action = self._action("&Check this installation…", self.check_installation)
        self.about_action = self._action(f"&About {APP_NAME}", self.show_about)
        help_menu.addActions([self.shortcuts_action, self.self_test_action, self.about_action])
        quick = QPushButton(icon("nav-add"), "Quick add")  # icon and text, as a tool bar button would show them
        quick.setObjectName("quickAddButton")
        quick.setFlat(True)
        quick.setToolTip(self.quick_add_action.toolTip())
        quick.setAccessibleName("Quick add")
        quick.clicked.connect(self.quick_add_action.trigger)
        self.quick_add_action.enabledChanged.connect(quick.setEnabled)
        self.quick_add_button = quick
        row = QWidget()  # one tool bar widget: Quick add on the left, search on the right (a stretch between)
        row.setObjectName("toolBarRow")
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 4, 0)
        line.addWidget(quick)
        line.addStretch()
        line.addWidget(self.search, 3)
        self.toolbar.addWidget(row)
        self._set_journal_actions_enabled(False)

    def _build_status_bar(self) -> None:
        self.journal_status = JournalStatus(self.statusBar())
        self.stats_label = self.journal_status.stats_label
        self.mode_label = self.journal_status.mode_label
        self.busy_bar = self.journal_status.busy_bar
        self.errors.error_shown.connect(self.journal_status.show_error)

    def _set_journal_actions_enabled(self, enabled: bool) -> None:
        for action in (
            self.backup_action,
            self.find_action,
            self.import_action,
            self.export_action,
            self.settings_action,
            *self.page_actions.values(),
        ):
            action.setEnabled(enabled)
        self.quick_add_action.setEnabled(enabled)
        self.nav.setEnabled(enabled)

    # --- the journal ----------------------------------------------------------------------------------------

    def set_loading(self, text: str) -> None:
        """Show the "opening…" page with ``text`` (no user text: it is a plain status)."""
        self.loading_label.setText(text)
        self.stack.setCurrentWidget(self.loading_page)

    def attach_journal(
        self,
        client: JournalClient,
        *,
        demo: bool = False,
        first_page: str = "today",
        backup: Callable[[JournalService], str] | None = None,
        paths: JournalPaths | None = None,
    ) -> None:
        """Wire the window to an open journal and show ``first_page``; ``backup`` runs File › Back up now."""
        self.client = client
        self.journal_paths = paths
        if backup is not None:
            self._backup = backup
        client.error_raised.connect(self.errors.show_error)
        client.runner.task_failed.connect(self.errors.report_task_failure)
        self.search.set_client(client)
        self._set_journal_actions_enabled(True)
        self.journal_attached.emit()
        self.journal_status.attach(client, demo=demo)
        self.show_page(first_page)

    @staticmethod
    def _page(key: str) -> Page:
        if key == PERSON_PAGE.key:
            return PERSON_PAGE
        return next(p for p in PAGES if p.key == key)

    def view(self, key: str) -> QWidget:
        """The view of page ``key`` (built on first use)."""
        if key not in self._views:
            assert self.client is not None, "attach_journal() first"
            page = self._page(key)
            view = build_view(page, self.client, self.stack, self.undo_stack)
            view.setObjectName(f"{key}Page")
            signal = getattr(view, "person_requested", None)
            if signal is not None:
                signal.connect(self.show_person)
            message = getattr(view, "status_message", None)
            if message is not None:
                message.connect(lambda text: self.statusBar().showMessage(text, 8000))
            deleted = getattr(view, "person_deleted", None)
            if deleted is not None:  # the page's person is gone: show the People list instead
                deleted.connect(lambda _person_id: self.show_page("people", remember=False))
            self.stack.addWidget(view)
            self.restore_splitters(view)
            self._views[key] = view
            log.debug("built page %s", key)
        return self._views[key]

    def show_page(self, key: str, *, remember: bool = True) -> None:
        """Make page ``key`` current (Ctrl+1…5)."""
        if self.client is not None:
            self._go(key, None, remember)

    def show_person(self, person_id: UUID, *, remember: bool = True) -> None:
        """Open the person page on ``person_id`` (what every view's ``person_requested`` does)."""
        if self.client is not None:
            self._go(PERSON_PAGE.key, person_id, remember)

    def _go(self, key: str, person_id: UUID | None, remember: bool) -> None:
        if remember and self._current and (self._current, self._person_id) != (key, person_id):
            self._history.append((self._current, self._person_id))
            del self._history[:-50]
            self.back_action.setEnabled(True)
        page = self.view(key)
        if person_id is not None:
            page.show_person(person_id)  # type: ignore[attr-defined]
        self._current, self._person_id = key, person_id
        self.stack.setCurrentWidget(page)
        self._select_nav("people" if key == PERSON_PAGE.key else key)
        self.page_shown.emit(key)

    def go_back(self) -> None:
        """Return to the previous page or person (Alt+Left)."""
        if self._history:
            key, person_id = self._history.pop()
            self.back_action.setEnabled(bool(self._history))
            self._go(key, person_id, remember=False)

    @property
    def current_page(self) -> str:
        return self._current

    def _select_nav(self, key: str) -> None:
        self.nav.blockSignals(True)
        for row in range(self.nav.count()):
            if self.nav.item(row).data(KEY_ROLE) == key:
                self.nav.setCurrentRow(row)
        self.nav.blockSignals(False)
        if key in self.page_actions:
            self.page_actions[key].setChecked(True)

    def _nav_changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is not None:
            self.show_page(str(current.data(KEY_ROLE)))

    def _focus_page(self) -> None:
        widget = self.stack.currentWidget()
        if widget is not None:
            widget.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
            widget.focusNextChild()

    # --- search ---------------------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def open_hit(self, hit: SearchHit) -> None:
        """Open what a search hit points at: its person, or the page that lists items of its kind."""
        from recipro_desktop.core.models import ItemKind

        if hit.kind is ItemKind.PERSON:
            self.show_person(hit.id)
            return
        if hit.person_id is not None:
            self.show_person(hit.person_id)
            return
        key = HIT_PAGES.get(hit.kind, "timeline")
        self.show_page(key)
        select = getattr(self._views.get(key), "select_need", None) if hit.kind is ItemKind.NEED else None
        if select is not None:
            select(hit.id)

    # --- actions --------------------------------------------------------------------------------------------

    def quick_add(self) -> None:
        if self.client is None:
            return
        dialog = getattr(importlib.import_module(QUICK_ADD[0]), QUICK_ADD[1])(self.client, self)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _open_dialog(self, module: str, cls: str, **kwargs: Any) -> QWidget | None:
        """Open a journal dialog (window-modal, deleted on close); None when no journal is open."""
        if self.client is None:
            return None
        dialog = getattr(importlib.import_module(module), cls)(self.client, self, **kwargs)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog  # type: ignore[no-any-return]

    def import_csv(self) -> None:
        self._open_dialog(*IMPORT_DIALOG)

    def export_data(self) -> None:
        self._open_dialog(*EXPORT_DIALOG)

    def show_settings(self) -> None:
        dialog = self._open_dialog(*SETTINGS_DIALOG, paths=self.journal_paths)
        if dialog is not None:
            dialog.settings_changed.connect(self.settings_changed)  # type: ignore[attr-defined]

    def backup_now(self) -> None:
        if self.client is None or self._backup is None:
            return
        backup = self._backup
        self.backup_action.setEnabled(False)
        self.statusBar().showMessage("Backing up…")

        def done(message: str) -> None:
            self.backup_action.setEnabled(True)
            self.statusBar().showMessage(message, 10_000)

        def failed(exc: BaseException) -> None:
            self.backup_action.setEnabled(True)
            self.errors.report_exception(exc)

        self.client.long_job(lambda service, _token: backup(service), done, name="backup", on_error=failed)

    def show_shortcuts(self) -> None:
        lines = []
        for action in self.actions():
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
            if keys:
                lines.append(f"{keys:<22} {action.text().replace('&', '')}")
        from PySide6.QtWidgets import QMessageBox

        lines += ["Alt+1 … Alt+6          Timeline: filter by kind", "Enter                  Open the selected item"]
        box = QMessageBox(
            QMessageBox.Icon.NoIcon, "Keyboard shortcuts", "\n".join(lines), QMessageBox.StandardButton.Close, self
        )
        box.setObjectName("shortcutsDialog")
        box.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def check_installation(self) -> QWidget:
        """Help › Check this installation…: the self-test's report in a dialog (works without a journal)."""
        dialog: QWidget = getattr(importlib.import_module(SELF_TEST_DIALOG[0]), SELF_TEST_DIALOG[1])(self)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.start()  # type: ignore[attr-defined]
        return dialog

    def show_about(self) -> QWidget:
        """Help › About Recipro: version, licence, third-party notices, library versions, the data folder."""
        from recipro_desktop.ui.about_dialog import AboutDialog

        paths = self.journal_paths
        dialog = AboutDialog(self, data_dir=paths.data_dir if paths is not None else None)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
