"""The UI test harness itself: Qt warnings really fail tests, and modals really cannot block one.

The guards in ``tests/ui/conftest.py`` only matter if they fail the right tests. A passing test cannot show
that, so this runs a small suite against a copy of the conftest in a child pytest and reads its JUnit report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import qWarning
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from tests.ui.conftest import ModalGuard, QtMessages

PROBE_TESTS = """
import threading

import pytest
from PySide6.QtCore import qWarning
from PySide6.QtWidgets import QDialog, QMessageBox


def test_warning_fails(qtbot):
    qWarning("QAbstractItemModel: something is off")


def test_harmless_offscreen_line_passes(qtbot):
    qWarning("This plugin does not support propagateSizeHints()")


def test_allowed_warning_passes(qtbot, qt_messages):
    qt_messages.allow("deliberately provoked")
    qWarning("a deliberately provoked warning")


def test_warning_from_worker_thread_fails(qtbot):
    worker = threading.Thread(target=qWarning, args=("from a worker",))
    worker.start()
    worker.join()


@pytest.fixture
def noisy_teardown():
    yield
    qWarning("warned while tearing down")


def test_warning_in_teardown_errors(qtbot, noisy_teardown):
    pass


def test_unanswered_question_fails_instead_of_hanging(qtbot):
    assert QMessageBox.question(None, "Delete Ana?", "Really?") == QMessageBox.StandardButton.No


def test_unanswered_dialog_exec_fails_instead_of_hanging(qtbot):
    dialog = QDialog()
    dialog.setWindowTitle("Unlock")
    assert dialog.exec() == 0


def test_answered_modals_pass(qtbot, modals):
    modals.answer("question", QMessageBox.StandardButton.Yes)
    modals.answer("exec", lambda dialog: QDialog.DialogCode.Accepted)
    assert QMessageBox.question(None, "Delete Ana?", "Really?") == QMessageBox.StandardButton.Yes
    dialog = QDialog()
    assert dialog.exec() == 1
    assert dialog.result() == 1
    assert [c.kind for c in modals.calls] == ["question", "exec"]
"""

EXPECTED = {
    "test_warning_fails": "failure",
    "test_harmless_offscreen_line_passes": "passed",
    "test_allowed_warning_passes": "passed",
    "test_warning_from_worker_thread_fails": "failure",
    "test_warning_in_teardown_errors": "error",
    "test_unanswered_question_fails_instead_of_hanging": "failure",
    "test_unanswered_dialog_exec_fails_instead_of_hanging": "failure",
    "test_answered_modals_pass": "passed",
}


def test_guards_fail_the_right_tests(tmp_path: Path) -> None:
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_probe.py").write_text(PROBE_TESTS, encoding="utf-8")
    report = tmp_path / "report.xml"
    # The copied conftest imports the app: from this checkout, whether or not it is installed (under Wine
    # only the project's metadata is, and the child runs in the temporary folder).
    repo = str(Path(__file__).resolve().parents[2])
    pythonpath = os.pathsep.join(p for p in (repo, os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": pythonpath}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"--junitxml={report}", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert report.exists(), proc.stdout + proc.stderr
    outcomes = {}
    messages = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        children = [c for c in case if c.tag in ("failure", "error", "skipped")]
        outcomes[case.get("name")] = children[0].tag if children else "passed"
        messages[case.get("name")] = " ".join(c.get("message", "") for c in children)
    assert outcomes == EXPECTED, proc.stdout
    assert "QAbstractItemModel: something is off" in messages["test_warning_fails"]
    assert "unexpected modal" in messages["test_unanswered_question_fails_instead_of_hanging"]
    assert "'Unlock'" in messages["test_unanswered_dialog_exec_fails_instead_of_hanging"]


def test_messages_record_category_and_level(qt_messages: QtMessages) -> None:
    qt_messages.allow("recorded on purpose")
    qWarning("recorded on purpose")
    assert [str(m) for m in qt_messages.records] == ["QtWarningMsg [default] recorded on purpose"]
    assert qt_messages.unexpected() == []


def test_static_dialogs_return_their_cancel_value(modals: ModalGuard) -> None:
    """Unscripted file dialogs return what Qt returns on Cancel, so the code under test takes its cancel path."""
    assert QFileDialog.getSaveFileName(None, "Export people", "", "CSV (*.csv)") == ("", "")
    assert [(c.kind, c.title, c.answered) for c in modals.calls] == [("getSaveFileName", "Export people", False)]
    modals.clear()  # this test provoked it on purpose
    modals.answer("getSaveFileName", ("/tmp/people.csv", "CSV (*.csv)"))
    assert QFileDialog.getSaveFileName(None, "Export people") == ("/tmp/people.csv", "CSV (*.csv)")


def test_message_box_exec_reports_its_text(qtbot: object, modals: ModalGuard) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, "Disk full", "Your edit is kept, nothing was saved.")
    modals.answer("exec", QMessageBox.StandardButton.Retry)
    assert box.exec() == QMessageBox.StandardButton.Retry.value
    assert modals.calls[0].text == "Your edit is kept, nothing was saved."
    assert isinstance(modals.calls[0].target, QDialog)


@pytest.mark.parametrize("name", ["exec", "exec_"])
def test_dialog_exec_is_replaced(name: str) -> None:
    assert "modals" in getattr(QDialog, name).__qualname__
