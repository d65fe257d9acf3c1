"""Start on login: the XDG autostart entry for real (written, read back, its Exec line run), the Windows Run key
and the macOS LaunchAgent through their content and calls with the platform faked. Off by default."""

from __future__ import annotations

import contextlib
import os
import plistlib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from recipro_desktop.services import autostart
from recipro_desktop.services.autostart import (
    MINIMIZED_FLAG,
    RUN_KEY,
    Autostart,
    desktop_escape,
    exec_quote,
    parse_desktop_entry,
    split_exec,
)
from tests.helpers.platforms import WINDOWS


def test_off_by_default_everywhere(tmp_path: Path) -> None:
    assert not Autostart().is_enabled()  # the real platform, in the isolated test home
    assert not Autostart(platform="darwin", home=tmp_path).is_enabled()
    assert not Autostart(platform="win32", winreg_module=FakeWinreg()).is_enabled()


def test_xdg_entry_is_written_where_the_session_reads_it_and_starts_recipro_minimised(tmp_path: Path) -> None:
    """Linux, for real: the file lands in $XDG_CONFIG_HOME/autostart and its Exec line runs our command.

    On Windows (the same code, run there as a check of the Exec quoting) a name cannot hold '"': single quotes
    instead, and the path's backslashes must survive the quoting too."""
    folder = tmp_path / ("odd $dir 'quoted' 100%" if WINDOWS else 'odd $dir "quoted" 100%')
    folder.mkdir()
    script = folder / "fake recipro.py"
    marker = tmp_path / "ran.txt"
    script.write_text(f"import sys; open({str(marker)!r}, 'w').write(' '.join(sys.argv[1:]))\n")
    entry = Autostart(platform="linux", command=[sys.executable, str(script)])
    assert entry.desktop_path == Path(os.environ["XDG_CONFIG_HOME"]) / "autostart" / "io.github.recipro.Recipro.desktop"
    entry.enable()
    assert entry.is_enabled()
    if not WINDOWS:  # no POSIX modes there
        assert oct(entry.desktop_path.stat().st_mode & 0o777) == "0o644"
    values = parse_desktop_entry(entry.desktop_path.read_text(encoding="utf-8"))
    assert values["Type"] == "Application" and values["Name"] == "Recipro"
    argv = split_exec(values["Exec"])
    assert argv == [sys.executable, str(script), MINIMIZED_FLAG]
    subprocess.run(argv, check=True, timeout=60)
    assert marker.read_text() == MINIMIZED_FLAG
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(entry.desktop_path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    entry.disable()
    assert not entry.desktop_path.exists() and not entry.is_enabled()
    entry.disable()  # idempotent


def test_xdg_falls_back_to_dot_config(tmp_path: Path) -> None:
    entry = Autostart(platform="linux", env={}, home=tmp_path, command=["/opt/recipro/recipro"])
    entry.enable()
    assert (tmp_path / ".config" / "autostart" / "io.github.recipro.Recipro.desktop").is_file()
    assert "Exec=/opt/recipro/recipro --minimized" in entry.desktop_path.read_text()


def test_xdg_respects_a_user_disabling_it_and_never_claims_a_foreign_file(tmp_path: Path) -> None:
    entry = Autostart(platform="linux", env={"XDG_CONFIG_HOME": str(tmp_path)}, command=["recipro"])
    entry.enable()
    text = entry.desktop_path.read_text()
    entry.desktop_path.write_text(text.replace("X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-enabled=false"))
    assert not entry.is_enabled()  # switched off in GNOME's startup applications
    entry.desktop_path.write_text(text + "Hidden=true\n")
    assert not entry.is_enabled()
    foreign = "[Desktop Entry]\nType=Application\nName=Something else\nExec=other\n"
    entry.desktop_path.write_text(foreign)
    assert not entry.is_enabled()
    entry.disable()
    assert entry.desktop_path.read_text() == foreign  # not ours: left alone


@pytest.mark.parametrize(
    "arg",
    ["plain", "with space", 'quote"inside', "dollar$HOME", "back\\slash", "tick`x`", "100%", "", "tab\tx"],
)
def test_exec_quoting_round_trips(arg: str) -> None:
    line = " ".join(exec_quote(a) for a in ["/usr/bin/recipro", arg, "--minimized"])
    written = desktop_escape(line)
    (value,) = parse_desktop_entry(f"[Desktop Entry]\nExec={written}\n").values()
    assert split_exec(value) == ["/usr/bin/recipro", arg, "--minimized"]


def test_macos_launch_agent_content(tmp_path: Path) -> None:
    entry = Autostart(platform="darwin", home=tmp_path, command=["/Applications/Recipro.app/Contents/MacOS/Recipro"])
    entry.enable()
    path = tmp_path / "Library" / "LaunchAgents" / "io.github.recipro.Recipro.plist"
    assert entry.is_enabled() and path.is_file()
    agent = plistlib.loads(path.read_bytes())
    assert agent == {
        "Label": "io.github.recipro.Recipro",
        "ProgramArguments": ["/Applications/Recipro.app/Contents/MacOS/Recipro", "--minimized"],
        "RunAtLoad": True,
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",
    }
    entry.disable()
    assert not path.exists() and not entry.is_enabled()


class FakeKey:
    def __init__(self, reg: FakeWinreg, path: str, access: int) -> None:
        self.reg, self.path, self.access = reg, path, access

    def __enter__(self) -> FakeKey:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class FakeWinreg:
    """Records calls the way ``winreg`` is used; values live in a dict per key path."""

    HKEY_CURRENT_USER = "HKCU"
    KEY_READ = 1
    KEY_SET_VALUE = 2
    REG_SZ = 1

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, tuple[Any, int]]] = {}
        self.calls: list[tuple[Any, ...]] = []

    def OpenKey(self, root: str, path: str, reserved: int, access: int) -> FakeKey:
        self.calls.append(("OpenKey", root, path, access))
        if path not in self.keys:
            raise FileNotFoundError(path)
        return FakeKey(self, path, access)

    def CreateKeyEx(self, root: str, path: str, reserved: int, access: int) -> FakeKey:
        self.calls.append(("CreateKeyEx", root, path, access))
        self.keys.setdefault(path, {})
        return FakeKey(self, path, access)

    def QueryValueEx(self, key: FakeKey, name: str) -> tuple[Any, int]:
        try:
            return self.keys[key.path][name]
        except KeyError:
            raise FileNotFoundError(name) from None

    def SetValueEx(self, key: FakeKey, name: str, reserved: int, kind: int, value: Any) -> None:
        assert key.access == self.KEY_SET_VALUE
        self.calls.append(("SetValueEx", name, kind, value))
        self.keys[key.path][name] = (value, kind)

    def DeleteValue(self, key: FakeKey, name: str) -> None:
        self.calls.append(("DeleteValue", name))
        if name not in self.keys[key.path]:
            raise FileNotFoundError(name)
        del self.keys[key.path][name]


def test_windows_run_key() -> None:
    reg = FakeWinreg()
    entry = Autostart(platform="win32", winreg_module=reg, command=[r"C:\Program Files\Recipro\Recipro.exe"])
    assert entry.describe() == rf"HKEY_CURRENT_USER\{RUN_KEY}\Recipro"
    entry.enable()
    assert ("CreateKeyEx", "HKCU", RUN_KEY, reg.KEY_SET_VALUE) in reg.calls
    assert reg.keys[RUN_KEY]["Recipro"] == (r'"C:\Program Files\Recipro\Recipro.exe" --minimized', reg.REG_SZ)
    assert entry.is_enabled()
    entry.disable()
    assert "Recipro" not in reg.keys[RUN_KEY] and not entry.is_enabled()
    entry.disable()  # already gone: no error


def test_default_command_prefers_the_frozen_bundle_then_the_script(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert autostart.default_command() == [sys.executable]
    monkeypatch.delattr(sys, "frozen")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert autostart.default_command() == [sys.executable, "-m", "recipro_desktop"]
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/local/bin/recipro")
    assert autostart.default_command()[0].endswith("recipro")


def test_windows_logs_in_with_the_windowed_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From the bundle's console twin the entry names the windowed recipro.exe beside it (no console window at
    every login); a pip install prefers its windowed launcher recipro-gui to the console script."""
    bundle = tmp_path / "Program Files" / "Recipro"
    bundle.mkdir(parents=True)
    (bundle / "recipro.exe").write_bytes(b"MZ")
    (bundle / "recipro-cli.exe").write_bytes(b"MZ")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle / "recipro-cli.exe"))
    assert autostart.default_command("win32") == [str(bundle / "recipro.exe")]
    monkeypatch.setattr(sys, "executable", str(bundle / "recipro.exe"))
    assert autostart.default_command("win32") == [str(bundle / "recipro.exe")]
    monkeypatch.delattr(sys, "frozen")
    scripts = {"recipro-gui": str(tmp_path / "recipro-gui.exe"), "recipro": str(tmp_path / "recipro.exe")}
    monkeypatch.setattr(shutil, "which", scripts.get)
    assert autostart.default_command("win32") == [str(Path(scripts["recipro-gui"]).resolve())]
    assert autostart.default_command("linux") == [str(Path(scripts["recipro"]).resolve())]


@pytest.mark.skipif(sys.platform != "win32", reason="the real registry and CommandLineToArgvW exist on Windows only")
def test_windows_run_value_in_the_real_registry_starts_a_path_with_spaces(tmp_path: Path) -> None:
    """The Run value written through the real winreg API, under a key of the test's own (never the user's Run
    key), reads back as one command that Windows splits into the program and --minimized, whatever spaces and
    backslashes the install path has; disabling removes the value."""
    import ctypes
    import uuid
    import winreg  # type: ignore[import-not-found,unused-ignore]

    test_key = rf"Software\Recipro tests\Run-{uuid.uuid4().hex}"
    program = r"C:\Users\Ana María\AppData\Local\Programs\Recipro 0.1\recipro.exe"
    entry = Autostart(platform="win32", command=[program], run_key=test_key)
    try:
        assert not entry.is_enabled()
        entry.enable()
        assert entry.is_enabled()
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, test_key) as key:
            value, kind = winreg.QueryValueEx(key, "Recipro")
        assert kind == winreg.REG_SZ
        argc = ctypes.c_int()
        shell32 = ctypes.windll.shell32  # type: ignore[attr-defined,unused-ignore]
        shell32.CommandLineToArgvW.restype = ctypes.POINTER(ctypes.c_wchar_p)
        argv = shell32.CommandLineToArgvW(value, ctypes.byref(argc))
        assert [argv[i] for i in range(argc.value)] == [program, MINIMIZED_FLAG]
        entry.disable()
        assert not entry.is_enabled()
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, test_key) as key, pytest.raises(FileNotFoundError):
            winreg.QueryValueEx(key, "Recipro")
    finally:
        for path in (test_key, test_key.rsplit("\\", 1)[0]):
            with contextlib.suppress(OSError):
                winreg.DeleteKey(winreg.HKEY_CURRENT_USER, path)


def test_write_failure_is_raised_for_the_caller(tmp_path: Path) -> None:
    blocker = tmp_path / "config"
    blocker.write_text("a file where the folder should be")
    entry = Autostart(platform="linux", env={"XDG_CONFIG_HOME": str(blocker)}, command=["recipro"])
    with pytest.raises(OSError):
        entry.enable()
    assert not entry.is_enabled()


# --- Recipro 0.1's entries (recipro.desktop, org.recipro.Recipro) -------------------------------------------------

# What Recipro 0.1 wrote to $XDG_CONFIG_HOME/autostart/recipro.desktop, byte for byte (services/autostart.py then).
LEGACY_DESKTOP = """[Desktop Entry]
Type=Application
Version=1.0
Name=Recipro
Comment=Start Recipro in the system tray
Exec={exec}
Icon=recipro
Terminal=false
Categories=Office;
X-GNOME-Autostart-enabled={enabled}
X-Recipro-Autostart=true
"""


def write_legacy_desktop(config: Path, exec_line: str, *, enabled: bool = True) -> Path:
    path = config / "autostart" / "recipro.desktop"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LEGACY_DESKTOP.format(exec=exec_line, enabled=str(enabled).lower()), encoding="utf-8")
    return path


def autostart_files(config: Path) -> list[str]:
    return sorted(p.name for p in (config / "autostart").iterdir())


def test_a_0_1_entry_counts_as_on_and_is_replaced_by_one_entry_keeping_its_command(tmp_path: Path) -> None:
    legacy = write_legacy_desktop(tmp_path, '"/opt/old recipro/recipro" --minimized')
    entry = Autostart(platform="linux", env={"XDG_CONFIG_HOME": str(tmp_path)}, command=["/dev/checkout/recipro"])
    assert entry.is_enabled()  # the settings page shows the switch on
    assert entry.replace_legacy()
    assert autostart_files(tmp_path) == ["io.github.recipro.Recipro.desktop"]  # replaced, not duplicated
    assert not legacy.exists()
    values = parse_desktop_entry(entry.desktop_path.read_text(encoding="utf-8"))
    assert split_exec(values["Exec"]) == ["/opt/old recipro/recipro", MINIMIZED_FLAG]  # 0.1's program, not ours
    assert values["Icon"] == "io.github.recipro.Recipro"
    assert entry.is_enabled()
    assert not entry.replace_legacy()  # once
    assert autostart_files(tmp_path) == ["io.github.recipro.Recipro.desktop"]


def test_switching_on_over_a_0_1_entry_leaves_one_entry(tmp_path: Path) -> None:
    write_legacy_desktop(tmp_path, "/opt/recipro/recipro --minimized")
    entry = Autostart(platform="linux", env={"XDG_CONFIG_HOME": str(tmp_path)}, command=["/opt/recipro/recipro"])
    entry.enable()
    assert autostart_files(tmp_path) == ["io.github.recipro.Recipro.desktop"]
    write_legacy_desktop(tmp_path, "/opt/recipro/recipro --minimized")  # say 0.1 ran again and wrote it back
    entry.disable()
    assert autostart_files(tmp_path) == []
    assert not entry.is_enabled()


def test_a_0_1_entry_switched_off_stays_off_and_a_foreign_recipro_desktop_is_left_alone(tmp_path: Path) -> None:
    write_legacy_desktop(tmp_path, "/opt/recipro/recipro --minimized", enabled=False)
    entry = Autostart(platform="linux", env={"XDG_CONFIG_HOME": str(tmp_path)}, command=["/opt/recipro/recipro"])
    assert not entry.is_enabled()
    assert entry.replace_legacy()
    assert autostart_files(tmp_path) == []
    assert not entry.is_enabled()

    foreign = "[Desktop Entry]\nType=Application\nName=Someone else's recipro\nExec=recipro\n"
    (tmp_path / "autostart" / "recipro.desktop").write_text(foreign, encoding="utf-8")
    assert not entry.is_enabled()
    assert not entry.replace_legacy()
    entry.enable()
    entry.disable()
    assert (tmp_path / "autostart" / "recipro.desktop").read_text(encoding="utf-8") == foreign


def test_a_0_1_launch_agent_is_replaced_by_one_under_the_new_label(tmp_path: Path) -> None:
    agents = tmp_path / "Library" / "LaunchAgents"
    agents.mkdir(parents=True)
    old_agent = {
        "Label": "org.recipro.Recipro",
        "ProgramArguments": ["/Applications/Recipro.app/Contents/MacOS/recipro", "--minimized"],
        "RunAtLoad": True,
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",
    }
    (agents / "org.recipro.Recipro.plist").write_bytes(plistlib.dumps(old_agent))
    entry = Autostart(platform="darwin", home=tmp_path, command=["/elsewhere/recipro"])
    assert entry.is_enabled()
    assert entry.replace_legacy()
    assert sorted(p.name for p in agents.iterdir()) == ["io.github.recipro.Recipro.plist"]
    assert plistlib.loads((agents / "io.github.recipro.Recipro.plist").read_bytes()) == {
        **old_agent,
        "Label": "io.github.recipro.Recipro",
    }
    (agents / "org.recipro.Recipro.plist").write_bytes(plistlib.dumps(old_agent))
    entry.disable()
    assert list(agents.iterdir()) == []
    assert not entry.is_enabled()


def test_windows_has_no_0_1_entry_to_replace() -> None:
    reg = FakeWinreg()
    assert not Autostart(platform="win32", winreg_module=reg, command=["recipro.exe"]).replace_legacy()
    assert reg.calls == []
