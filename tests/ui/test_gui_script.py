"""``recipro-gui`` ([project.gui-scripts]): pip's windowed launcher on Windows. It must resolve and start the
window exactly as ``recipro`` with no arguments does (the window itself is replaced by a recorder here)."""

from __future__ import annotations

import argparse
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from pkgutil import resolve_name
from typing import Any

import pytest

from recipro_desktop import app
from recipro_desktop.paths import default_data_dir

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def record_runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict[str, Any], Path, str | None]]:
    calls: list[tuple[dict[str, Any], Path, str | None]] = []

    def fake_run(args: argparse.Namespace, paths: Any = None, *, passphrase: str | None = None) -> int:
        calls.append((vars(args), paths.data_dir, passphrase))
        return 7

    monkeypatch.setattr(app, "run", fake_run)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # main() installs its own; put it back afterwards
    return calls


def test_gui_script_resolves_and_opens_the_window_as_recipro_does(monkeypatch: pytest.MonkeyPatch) -> None:
    assert PROJECT["gui-scripts"] == {"recipro-gui": "recipro_desktop.app:gui_main"}
    entry = resolve_name(PROJECT["gui-scripts"]["recipro-gui"])
    assert entry is app.gui_main
    (installed,) = metadata.entry_points(group="gui_scripts", name="recipro-gui")  # what pip/uv made a launcher of
    assert installed.load() is entry
    calls = record_runs(monkeypatch)

    monkeypatch.setattr(sys, "argv", ["recipro-gui"])
    assert entry() == 7  # run()'s exit code is the launcher's
    monkeypatch.setattr(sys, "argv", ["recipro"])
    assert resolve_name(PROJECT["scripts"]["recipro"])() == 7
    assert len(calls) == 2
    assert calls[0] == calls[1]  # the same window, same journal folder, same options
    options, data_dir, passphrase = calls[0]
    assert options["command"] is None and not options["demo"] and passphrase is None
    assert data_dir == default_data_dir()


def test_gui_script_passes_window_options_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = record_runs(monkeypatch)
    monkeypatch.setattr(sys, "argv", ["recipro-gui", "--data-dir", str(tmp_path / "j")])
    assert app.gui_main() == 7
    assert calls[0][1] == tmp_path / "j"
