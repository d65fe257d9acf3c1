"""Start Recipro when the user logs in (off by default), minimised to the tray.

One small entry per platform, each the platform's own documented mechanism, none needing admin rights:

- **Linux and other freedesktop systems**: ``$XDG_CONFIG_HOME/autostart/io.github.recipro.Recipro.desktop``
  (XDG Autostart specification), launching with ``--minimized``.
- **Windows**: a ``Recipro`` value under ``HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``.
- **macOS**: a LaunchAgent ``~/Library/LaunchAgents/io.github.recipro.Recipro.plist`` with ``RunAtLoad`` (read at
  the next login; nothing is loaded with ``launchctl`` now, so enabling never starts a second copy).

The file names and the label are the app's one identity (``recipro_desktop.APP_REVERSE_DNS``). Recipro 0.1 wrote
``recipro.desktop`` and ``org.recipro.Recipro.plist``: such an entry counts as enabled, is replaced by the new one
(:meth:`Autostart.replace_legacy`, at start-up; also whenever the entry is switched on) and removed with it, so
an upgrade never leaves two entries starting two copies.

The entry holds the command line only (the program path and ``--minimized``): no journal path, no name. This is
machine state, not journal state, so it is not a journal setting: :meth:`Autostart.is_enabled` asks the system.
Everything is injectable (platform, environment, home, command, ``winreg``) so each platform is tested anywhere.
"""

from __future__ import annotations

import logging
import os
import plistlib
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from recipro_desktop import APP_REVERSE_DNS
from recipro_desktop.storage.fsutil import atomic_write_bytes

log = logging.getLogger(__name__)

APP_NAME = "Recipro"
MINIMIZED_FLAG = "--minimized"
DESKTOP_FILE = f"{APP_REVERSE_DNS}.desktop"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
LAUNCH_AGENT_LABEL = APP_REVERSE_DNS
LEGACY_DESKTOP_FILE = "recipro.desktop"  # Recipro 0.1's names, found and replaced (Autostart.replace_legacy)
LEGACY_LAUNCH_AGENT_LABEL = "org.recipro.Recipro"
MARKER = "X-Recipro-Autostart=true"
"""Marks our .desktop file, so a file of the same name written by something else is never claimed or deleted."""


def default_command(platform: str = sys.platform) -> list[str]:
    """How to start this installation of Recipro: the frozen bundle, the ``recipro`` script, or ``python -m``.

    On Windows a login must not open a console window: from the bundle's console twin (``recipro-cli.exe``) the
    entry names the windowed ``recipro.exe`` beside it, and a pip install's windowed launcher ``recipro-gui``
    is preferred to the console script ``recipro``.
    """
    windows = platform.startswith(("win32", "cygwin"))
    if getattr(sys, "frozen", False):
        exe = Path(sys.executable)
        windowed = exe.with_name(exe.name.replace("-cli", ""))
        return [str(windowed)] if windows and windowed != exe and windowed.is_file() else [sys.executable]
    for name in ("recipro-gui", "recipro") if windows else ("recipro",):
        script = shutil.which(name)
        if script:
            return [str(Path(script).resolve())]
    return [sys.executable, "-m", "recipro_desktop"]


# --- freedesktop ----------------------------------------------------------------------------------------


_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def exec_quote(arg: str) -> str:
    """One argument of a desktop entry ``Exec`` key (Desktop Entry Specification, "The Exec key").

    Arguments with reserved characters are double-quoted, and inside quotes ``"``, `````, ``$`` and ``\\`` are
    backslash-escaped; ``%`` is doubled (field codes). The result is then escaped again as a string value
    (:func:`desktop_escape`) when written.
    """
    arg = arg.replace("%", "%%")
    if arg and not (set(arg) & _EXEC_RESERVED):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'


def desktop_escape(value: str) -> str:
    """A desktop-entry string value: backslashes, newlines, tabs and carriage returns escaped."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


def desktop_entry(command: Sequence[str]) -> str:
    exec_line = " ".join(exec_quote(a) for a in [*command, MINIMIZED_FLAG])
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Version=1.0",
            f"Name={APP_NAME}",
            "Comment=Start Recipro in the system tray",
            f"Exec={desktop_escape(exec_line)}",
            f"Icon={APP_REVERSE_DNS}",
            "Terminal=false",
            "Categories=Office;",
            "X-GNOME-Autostart-enabled=true",
            MARKER,
            "",
        ]
    )


def parse_desktop_entry(text: str) -> dict[str, str]:
    """The ``[Desktop Entry]`` group's keys (values unescaped); enough to read our own file back."""
    values: dict[str, str] = {}
    in_group = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            in_group = line == "[Desktop Entry]"
            continue
        if in_group and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = _desktop_unescape(value.strip())
    return values


def _desktop_unescape(value: str) -> str:
    out, i = [], 0
    table = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value) and value[i + 1] in table:
            out.append(table[value[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_exec(exec_value: str) -> list[str]:
    """The arguments of an (already string-unescaped) ``Exec`` value, undoing :func:`exec_quote`."""
    args: list[str] = []
    current: list[str] = []
    quoted = False
    started = False
    i = 0
    while i < len(exec_value):
        c = exec_value[i]
        if quoted:
            if c == "\\" and i + 1 < len(exec_value) and exec_value[i + 1] in '"`$\\':
                current.append(exec_value[i + 1])
                i += 1
            elif c == '"':
                quoted = False
            else:
                current.append(c)
        elif c == '"':
            quoted = started = True
        elif c == " ":
            if started:
                args.append("".join(current))
                current, started = [], False
        else:
            current.append(c)
            started = True
        i += 1
    if started:
        args.append("".join(current))
    return [a.replace("%%", "%") for a in args]


class Autostart:
    """Enable, disable and query start-on-login for the current user.

    Args:
        platform: ``sys.platform`` (tests pass another).
        env: the environment (``XDG_CONFIG_HOME``).
        home: the user's home folder.
        command: the program to start (default: :func:`default_command`); ``--minimized`` is appended.
        winreg_module: the ``winreg`` module (Windows; tests pass a fake).
        run_key: the registry key under ``HKEY_CURRENT_USER`` that holds the Run value (tests use their own).
    """

    def __init__(
        self,
        *,
        platform: str = sys.platform,
        env: Mapping[str, str] | None = None,
        home: Path | None = None,
        command: Sequence[str] | None = None,
        winreg_module: ModuleType | Any | None = None,
        run_key: str = RUN_KEY,
    ) -> None:
        self.platform = platform
        self._env = os.environ if env is None else env
        self._home = Path.home() if home is None else home
        self._command = list(command) if command is not None else default_command()
        self._winreg = winreg_module
        self._run_key = run_key

    # --- where ----------------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        """``"windows"``, ``"macos"`` or ``"xdg"``."""
        if self.platform.startswith(("win32", "cygwin")):
            return "windows"
        if self.platform == "darwin":
            return "macos"
        return "xdg"

    @property
    def desktop_path(self) -> Path:
        return self._autostart_dir / DESKTOP_FILE

    @property
    def plist_path(self) -> Path:
        return self._home / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"

    @property
    def legacy_path(self) -> Path | None:
        """Where Recipro 0.1 put this platform's entry (``None`` on Windows, whose Run value kept its name)."""
        if self.kind == "windows":
            return None
        if self.kind == "macos":
            return self.plist_path.with_name(f"{LEGACY_LAUNCH_AGENT_LABEL}.plist")
        return self._autostart_dir / LEGACY_DESKTOP_FILE

    @property
    def _autostart_dir(self) -> Path:
        config = self._env.get("XDG_CONFIG_HOME") or str(self._home / ".config")
        return Path(config) / "autostart"

    @property
    def command_line(self) -> list[str]:
        """What the login session will run."""
        return [*self._command, MINIMIZED_FLAG]

    def describe(self) -> str:
        """Where the entry lives, for the settings page ("Adds ~/.config/autostart/io.github.recipro.Recipro.desktop").

        The settings page words it for the new name; a 0.1 entry is renamed at start-up (:meth:`replace_legacy`).
        """
        if self.kind == "windows":
            return f"HKEY_CURRENT_USER\\{RUN_KEY}\\{APP_NAME}"
        return str(self.plist_path if self.kind == "macos" else self.desktop_path)

    # --- query and change ------------------------------------------------------------------------------

    def is_enabled(self) -> bool:
        try:
            if self.kind == "windows":
                return self._windows_value() is not None
            if self.kind == "macos":
                return self.plist_path.is_file() or self._legacy_command() is not None
            return self._xdg_enabled(self.desktop_path) or self._xdg_enabled(self._autostart_dir / LEGACY_DESKTOP_FILE)
        except OSError as exc:
            log.warning("could not read the start-on-login entry: %s", type(exc).__name__)
            return False

    def set_enabled(self, enabled: bool) -> None:
        """Add or remove the entry. Raises ``OSError`` when the system refuses (the caller says so)."""
        if enabled:
            self.enable()
        else:
            self.disable()

    def enable(self) -> None:
        if self.kind == "windows":
            self._windows_write()
        elif self.kind == "macos":
            self._write(self.plist_path, self.launch_agent())
        else:
            self._write(self.desktop_path, desktop_entry(self._command).encode())
        self._remove_legacy()
        log.info("start on login enabled (%s)", self.kind)

    def disable(self) -> None:
        if self.kind == "windows":
            self._windows_delete()
        elif self.kind == "macos":
            self.plist_path.unlink(missing_ok=True)
        elif self._is_ours(self.desktop_path):
            self.desktop_path.unlink(missing_ok=True)
        self._remove_legacy()
        log.info("start on login disabled (%s)", self.kind)

    def replace_legacy(self) -> bool:
        """Replace Recipro 0.1's entry (old file name or LaunchAgent label) by one under today's name.

        The old entry's own command is kept (it may start another installation than this one), and an entry the
        user had switched off in the session's settings is removed, not renamed: it stays off. Returns whether
        there was one. Raises ``OSError`` when the folder cannot be written.
        """
        legacy = self.legacy_path
        if legacy is None or not (legacy.is_file() or legacy.is_symlink()):
            return False
        if self.kind == "xdg" and not self._is_ours(legacy):
            return False  # someone else's recipro.desktop
        command = self._legacy_command()
        if command is not None and not self._new_entry_enabled():
            if self.kind == "macos":
                self._write(self.plist_path, self._agent_bytes([*command, MINIMIZED_FLAG]))
            else:
                self._write(self.desktop_path, desktop_entry(command).encode())
        legacy.unlink(missing_ok=True)
        log.info("start-on-login entry of Recipro 0.1 replaced (%s)", self.kind)
        return True

    def _new_entry_enabled(self) -> bool:
        """Whether today's entry (not 0.1's) is there and on (macOS and freedesktop)."""
        if self.kind == "macos":
            return self.plist_path.is_file()
        return self._xdg_enabled(self.desktop_path)

    def _legacy_command(self) -> list[str] | None:
        """The command (without ``--minimized``) of an enabled 0.1 entry of ours, else ``None``."""
        legacy = self.legacy_path
        if legacy is None or not legacy.is_file():
            return None
        try:
            if self.kind == "macos":
                agent = plistlib.loads(legacy.read_bytes())
                if not isinstance(agent, dict) or agent.get("Label") != LEGACY_LAUNCH_AGENT_LABEL:
                    return None
                args = [str(a) for a in agent.get("ProgramArguments", [])]
            else:
                if not self._xdg_enabled(legacy):
                    return None
                args = split_exec(parse_desktop_entry(legacy.read_text(encoding="utf-8")).get("Exec", ""))
        except (OSError, ValueError, UnicodeDecodeError, plistlib.InvalidFileException):
            return None
        if args and args[-1] == MINIMIZED_FLAG:
            args = args[:-1]
        return args or None

    def _remove_legacy(self) -> None:
        legacy = self.legacy_path
        if legacy is None:
            return
        if self.kind == "macos" or self._is_ours(legacy):
            legacy.unlink(missing_ok=True)

    # --- per platform ----------------------------------------------------------------------------------

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data, mode=0o644)  # read by the session manager; holds no secret

    def _is_ours(self, path: Path) -> bool:
        try:
            return MARKER in path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return False

    def _xdg_enabled(self, path: Path) -> bool:
        if not path.is_file() or not self._is_ours(path):
            return False
        values = parse_desktop_entry(path.read_text(encoding="utf-8"))
        hidden = values.get("Hidden", "false").lower() == "true"
        gnome_off = values.get("X-GNOME-Autostart-enabled", "true").lower() == "false"
        return not hidden and not gnome_off

    def launch_agent(self) -> bytes:
        """The LaunchAgent property list."""
        return self._agent_bytes(self.command_line)

    @staticmethod
    def _agent_bytes(arguments: list[str]) -> bytes:
        agent = {
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": arguments,
            "RunAtLoad": True,
            "ProcessType": "Interactive",
            "LimitLoadToSessionType": "Aqua",
        }
        return plistlib.dumps(agent, fmt=plistlib.FMT_XML)

    def _reg(self) -> Any:
        if self._winreg is None:
            import winreg  # type: ignore[import-not-found,unused-ignore]  # Windows only

            self._winreg = winreg
        return self._winreg

    def _windows_value(self) -> str | None:
        reg = self._reg()
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, self._run_key, 0, reg.KEY_READ) as key:
                value, _kind = reg.QueryValueEx(key, APP_NAME)
        except FileNotFoundError:
            return None
        return str(value)

    def _windows_write(self) -> None:
        reg = self._reg()
        with reg.CreateKeyEx(reg.HKEY_CURRENT_USER, self._run_key, 0, reg.KEY_SET_VALUE) as key:
            reg.SetValueEx(key, APP_NAME, 0, reg.REG_SZ, subprocess.list2cmdline(self.command_line))

    def _windows_delete(self) -> None:
        reg = self._reg()
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, self._run_key, 0, reg.KEY_SET_VALUE) as key:
                reg.DeleteValue(key, APP_NAME)
        except FileNotFoundError:
            pass
