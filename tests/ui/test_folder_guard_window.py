"""I13 in the window: the open path makes a loose journal folder private and says so in the status bar, or shows
why it will not open it. Real chmod on a real folder; POSIX only (Windows folders have no modes)."""

from __future__ import annotations

import stat
from pathlib import Path

import keyring
from keyring.backends import fail
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import create_journal
from tests.helpers.platforms import posix_only
from tests.ui import test_app_start
from tests.ui.journal_fixtures import NOW
from tests.ui.test_app_start import Factory

PASS = "quiet-harbour-lantern-42"
NOTICE = "was open to other users of this computer"

pytestmark = posix_only("Windows folders have no mode to loosen; the profile's ACL keeps the journal private")


controller = test_app_start.controller  # the same controller factory (found by pytest under this name)


def loose_journal(tmp_path: Path, *, use_keyring: bool) -> JournalPaths:
    paths = JournalPaths(tmp_path / "journal")
    create_journal(paths, passphrase=PASS, use_keyring=use_keyring, clock=FixedClock(NOW)).journal.close()
    for path in paths.data_dir.iterdir():
        path.chmod(0o666)
    paths.data_dir.chmod(0o777)
    return paths


def modes(paths: JournalPaths) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.lstat().st_mode) for p in [paths.data_dir, *paths.data_dir.iterdir()]}


def test_i13_the_window_makes_a_loose_folder_private_and_says_so(
    qtbot: QtBot, tmp_path: Path, controller: Factory
) -> None:
    """I13: 0777 folder, 0666 files; the window opens (keyring, no question): 0700/0600, and the status bar says so."""
    paths = loose_journal(tmp_path, use_keyring=True)
    ctl = controller(paths)
    with qtbot.waitSignal(ctl.window_ready, timeout=10_000):
        ctl.start()
    assert ctl.window is not None
    message = ctl.window.statusBar().currentMessage()
    assert message.startswith(f"The journal folder {paths.data_dir} {NOTICE} (folder 777, ")
    assert modes(paths) == {"journal": 0o700, **{p.name: 0o600 for p in paths.data_dir.iterdir()}}


def test_i13_the_notice_survives_an_unlock_dialog(qtbot: QtBot, tmp_path: Path, controller: Factory) -> None:
    """I13: no keyring, so the first open fails and the passphrase is asked: the folder was tightened by that first
    attempt, and the notice still reaches the user once the journal opens."""
    keyring.set_keyring(fail.Keyring())
    paths = loose_journal(tmp_path, use_keyring=False)
    ctl = controller(paths)
    ctl.start()
    qtbot.waitUntil(lambda: ctl.unlock_dialog is not None and ctl.unlock_dialog.isVisible())
    dialog = ctl.unlock_dialog
    assert dialog is not None
    assert modes(paths)["journal"] == 0o700
    qtbot.keyClicks(dialog.ui.passphraseEdit, PASS)
    with qtbot.waitSignal(ctl.window_ready, timeout=10_000):
        qtbot.keyClick(dialog.ui.passphraseEdit, Qt.Key.Key_Return)
    assert ctl.window is not None and NOTICE in ctl.window.statusBar().currentMessage()


def test_i13_the_window_refuses_a_symlinked_journal_file(qtbot: QtBot, tmp_path: Path, controller: Factory) -> None:
    """I13: journal.db is a link to a file elsewhere: the window does not open it and says why."""
    paths = loose_journal(tmp_path, use_keyring=True)
    elsewhere = tmp_path / "elsewhere.db"
    paths.database.rename(elsewhere)
    paths.database.symlink_to(elsewhere)
    ctl = controller(paths)
    ctl.start()
    qtbot.waitUntil(lambda: ctl.unlock_dialog is not None and ctl.unlock_dialog.problem is not None)
    dialog = ctl.unlock_dialog
    assert dialog is not None and ctl.journal is None
    assert dialog.ui.titleLabel.text() == "The journal folder is not private"
    assert f"{paths.database} is a symbolic link" in dialog.ui.messageLabel.text()


GUI_MAIN = "import sys; from recipro_desktop.app import gui_main; sys.argv[0] = 'recipro-gui'; sys.exit(gui_main())"


def test_i13_the_windows_own_lock_file_is_no_reason_for_a_notice(tmp_path: Path) -> None:
    """I13: the real window (``recipro-gui``, umask 022) creates its single-instance lock file 0644 in the journal
    folder before opening the journal: it is made 0600 without telling the user about a loose folder."""
    import subprocess
    import sys
    import time

    from tests.helpers.nonroot import child_env

    paths = JournalPaths(tmp_path / "journal")
    create_journal(paths, passphrase=PASS, use_keyring=False, clock=FixedClock(NOW)).journal.close()
    work = tmp_path / "work"
    work.mkdir()
    root = Path(__file__).resolve().parents[2]
    env = child_env(work, {"RECIPRO_PASSPHRASE": PASS, "PYTHONPATH": str(root), "QT_QPA_PLATFORM": "offscreen"})
    argv = ["/bin/sh", "-c", 'umask 022 && exec "$@"', "sh", sys.executable, "-c", GUI_MAIN]
    proc = subprocess.Popen(
        [*argv, "--data-dir", str(paths.data_dir)], cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        log_text = ""
        while "journal opened" not in log_text:
            assert proc.poll() is None, proc.communicate()[1].decode()
            assert time.monotonic() < deadline, "the window never opened the journal"
            time.sleep(0.1)
            log_text = "".join(log.read_text(encoding="utf-8") for log in work.rglob("recipro.log"))
        assert paths.lock_file.exists()  # the single-instance lock, made before the journal was opened
        assert "open to other users" not in log_text
        assert stat.S_IMODE(paths.lock_file.stat().st_mode) == 0o600
    finally:
        proc.terminate()
        proc.communicate(timeout=60)
