"""``recipro --screenshot``: a real process renders the window offscreen on a real journal and writes the PNG.

Argument errors are checked in-process (they are reported before any window exists, exit code 2).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from recipro_desktop import cli
from recipro_desktop.app import AppController
from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.errors import JournalMissingError, NotFoundError
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import create_journal
from recipro_desktop.services.demo import generate_demo, store_demo
from recipro_desktop.ui.screenshot import ScreenshotRequest, parse_size, parse_view
from tests.ui.journal_fixtures import NOW, PASSPHRASE, TODAY

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def journal(tmp_path: Path) -> tuple[JournalPaths, Path, str]:
    """A small demo journal (passphrase only), its passphrase file, and one person's name."""
    paths = JournalPaths(tmp_path / "journal")
    created = create_journal(paths, passphrase=PASSPHRASE, use_keyring=False, clock=FixedClock(NOW))
    data = generate_demo(people=8, seed=3, today=TODAY)
    store_demo(created.journal.service, data)
    created.journal.close()
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return paths, secret, data.people[0].display_name


def recipro(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    return subprocess.run(
        [sys.executable, "-m", "recipro_desktop", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_screenshot_writes_a_png_of_the_requested_size(tmp_path: Path, journal: tuple[JournalPaths, Path, str]) -> None:
    paths, secret, name = journal
    out = tmp_path / "people.png"
    run = recipro(
        "--data-dir", str(paths.data_dir), "--passphrase-file", str(secret),
        "--screenshot", str(out), "--view", "people", "--size", "900x640",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert f"Saved {out}" in run.stdout
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 640)
    colours = {image.pixel(x, y) for x in range(0, 900, 37) for y in range(0, 640, 29)}
    assert len(colours) > 5, "the picture is blank"
    assert name not in run.stdout + run.stderr  # the terminal line names the file, not the people (G1)


def test_screenshot_of_a_person_that_does_not_exist(
    qtbot: QtBot, tmp_path: Path, journal: tuple[JournalPaths, Path, str]
) -> None:
    """In-process (the PNG path above runs the real command): person:NAME that matches nobody exits 3."""
    paths, _secret, _name = journal
    out = tmp_path / "nobody.png"
    request = ScreenshotRequest(path=out, page="person", person="Nobody Atall", size=QSize(900, 640))
    settings = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    ctl = AppController(paths, passphrase=PASSPHRASE, settings=settings, screenshot=request)
    try:
        with qtbot.waitSignal(ctl.finished, timeout=20_000) as finished:
            ctl.start()
        assert finished.args == [NotFoundError.exit_code]
        assert not out.exists()
    finally:
        if ctl.window is not None:
            ctl.window.close()
        ctl.shutdown()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--view", "inbox"], "Unknown view 'inbox'"),
        (["--view", "person:"], "needs a name"),
        (["--size", "big"], "Bad --size 'big'"),
        (["--size", "100x100"], "between 320 and 7680"),
        (["--screenshot", "out.jpg"], "must end in .png"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    argv = ["--data-dir", str(tmp_path / "j"), *args]
    if "--screenshot" not in args:
        argv += ["--screenshot", str(tmp_path / "x.png")]
    else:
        argv = [a if a != "out.jpg" else str(tmp_path / "out.jpg") for a in argv]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert not (tmp_path / "j").exists()


def test_screenshot_without_a_journal_says_so(tmp_path: Path) -> None:
    run = recipro("--data-dir", str(tmp_path / "none"), "--screenshot", str(tmp_path / "x.png"))
    assert run.returncode == JournalMissingError.exit_code
    assert "There is no journal" in run.stderr
    assert not (tmp_path / "none").exists()


def test_view_and_size_parsing() -> None:
    assert parse_view("People") == ("people", None)
    assert parse_view("person: Ana Souza ") == ("person", "Ana Souza")
    assert parse_size("1280x800").width() == 1280
    assert parse_size("640×480").height() == 480
