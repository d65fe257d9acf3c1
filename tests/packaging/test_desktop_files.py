"""The files the desktop bundles ship (packaging/): the Linux desktop entry and AppStream metadata, the icons,
and the per-user ``install.sh``, checked as a desktop, a software centre and a user would meet them.

``install.sh`` is run for real on a fake bundle, with HOME and the XDG folders in a temporary folder whose
name has a space and an accent (RELIABILITY H1), and must never touch the journal.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from recipro_desktop import APP_ID, APP_NAME, APP_REVERSE_DNS, HOMEPAGE, ORGANIZATION_DOMAIN, SETTINGS_ORGANIZATION
from recipro_desktop.services.autostart import Autostart, desktop_entry, parse_desktop_entry, split_exec

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / "linux" / f"{APP_REVERSE_DNS}.desktop"
METAINFO = PACKAGING / "linux" / f"{APP_REVERSE_DNS}.metainfo.xml"
INSTALL_SH = PACKAGING / "linux" / "install.sh"
ICO = PACKAGING / "windows" / "recipro.ico"
ICNS = PACKAGING / "macos" / "recipro.icns"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element type -> pixel size (Apple's icns types; "@2x" entries are the retina variants).
ICNS_TYPES = {
    b"ic11": 32,  # 16 pt @2x
    b"ic12": 64,  # 32 pt @2x
    b"ic07": 128,
    b"ic13": 256,  # 128 pt @2x
    b"ic08": 256,
    b"ic14": 512,  # 256 pt @2x
    b"ic09": 512,
    b"ic10": 1024,  # 512 pt @2x
}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

LINUX = sys.platform.startswith("linux")
freedesktop_validator = pytest.mark.skipif(
    not LINUX, reason="Linux only: the freedesktop.org validators (desktop-file-validate, appstreamcli) are Linux tools"
)
linux_installer = pytest.mark.skipif(
    not LINUX,
    reason="Linux only: install.sh is the Linux desktop integration (a POSIX shell script writing XDG menu "
    "entries, icons and autostart files); Windows installs from the zip",
)


# --- helpers ------------------------------------------------------------------------------------------------


def read_desktop(path: Path) -> dict[str, str]:
    """The ``[Desktop Entry]`` keys, after checking there is one group and no key twice."""
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    groups = [line for line in lines if line.startswith("[")]
    assert groups == ["[Desktop Entry]"], groups
    keys = Counter(line.partition("=")[0] for line in lines if not line.startswith("["))
    assert [k for k, n in keys.items() if n > 1] == []
    return parse_desktop_entry(text)


def png_header(data: bytes) -> tuple[int, int, int, int]:
    """Width, height, bit depth and colour type from a PNG's IHDR chunk."""
    assert data[:8] == PNG_MAGIC
    _length, chunk = struct.unpack(">I4s", data[8:16])
    assert chunk == b"IHDR"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, depth, colour


def ico_sizes(data: bytes) -> list[int]:
    """The pixel sizes of an ICO's entries, each checked to be a square PNG of the size its entry says."""
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        width, height, _colours, _reserved, _planes, bpp, size, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        width, height = width or 256, height or 256
        assert bpp == 32
        assert offset + size <= len(data)
        assert png_header(data[offset : offset + size])[:2] == (width, height)
        sizes.append(width)
    return sizes


def icns_entries(data: bytes) -> dict[bytes, int]:
    """An ICNS file's element types and their PNG's pixel size (the table of contents is skipped)."""
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    entries, pos = {}, 8
    while pos < len(data):
        kind, length = struct.unpack(">4sI", data[pos : pos + 8])
        assert length >= 8 and pos + length <= len(data)
        if kind != b"TOC ":
            width, height, _depth, _colour = png_header(data[pos + 8 : pos + length])
            assert width == height
            entries[kind] = width
        pos += length
    return entries


def load_make_icons() -> ModuleType:
    spec = importlib.util.spec_from_file_location("recipro_make_icons", PACKAGING / "make_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def require_tool(name: str, package: str) -> None:
    """The validators are part of the check: CI installs them, so their absence fails instead of skipping."""
    if shutil.which(name) is None:
        pytest.fail(f"{name} is not installed: apt-get install {package}")


def validator_spec_version() -> tuple[int, int]:
    """The Desktop Entry specification version the installed desktop-file-validate knows ("... 1.4.")."""
    help_text = subprocess.run(["desktop-file-validate", "--help"], capture_output=True, text=True).stdout
    found = re.search(r"specification (\d+)\.(\d+)", help_text)
    assert found, help_text
    return int(found[1]), int(found[2])


# What desktop-file-validate before spec 1.5 (desktop-file-utils 0.26, Debian 12, Ubuntu 22.04) says about the
# two spec-1.5 keys we use on purpose; newer validators accept the file as it is.
SPEC_1_5_ONLY = (
    'error: value "1.5" for key "Version" in group "Desktop Entry" is not a known version',
    'error: file contains key "SingleMainWindow" in group "Desktop Entry", but keys extending the format '
    'should start with "X-"',
)


def assert_desktop_file_valid(path: Path) -> None:
    require_tool("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
    messages = [line.split(": ", 1)[1] for line in result.stdout.splitlines() if line.strip()]
    if validator_spec_version() >= (1, 5):
        assert result.returncode == 0, result.stdout
    else:
        unexpected = [m for m in messages if m not in SPEC_1_5_ONLY]
        assert unexpected == [], result.stdout
    assert result.stderr == ""


# --- the desktop entry ----------------------------------------------------------------------------------------


def test_desktop_entry_keys() -> None:
    entry = read_desktop(DESKTOP)
    assert entry["Type"] == "Application"
    assert entry["Name"] == APP_NAME
    assert entry["Comment"] and entry["GenericName"]
    assert split_exec(entry["Exec"]) == [APP_ID]  # the command; no %f/%U: Recipro opens no files
    assert "%" not in entry["Exec"]
    assert entry["Terminal"] == "false"
    assert entry["StartupNotify"] == "true"
    assert entry["SingleMainWindow"] == "true"
    assert entry["X-GNOME-SingleWindow"] == "true"
    categories = entry["Categories"].split(";")
    assert categories[-1] == "" and categories[:-1] == ["Office", "ContactManagement"]
    keywords = entry["Keywords"].split(";")
    assert keywords[-1] == "" and {"contacts", "relationships", "gratitude"} <= set(keywords)


def test_desktop_entry_icon_matches_the_autostart_entry_and_the_identity() -> None:
    entry = read_desktop(DESKTOP)
    autostart = parse_desktop_entry(desktop_entry(["/opt/recipro/recipro"]))
    assert entry["Icon"] == autostart["Icon"] == APP_REVERSE_DNS == "io.github.recipro.Recipro"
    assert DESKTOP.name == f"{entry['Icon']}.desktop"
    assert [p.name for p in sorted(PACKAGING.glob("icons/*.png"))] == sorted(f"recipro-{n}.png" for n in PNG_SIZES)


def test_the_spec_and_install_sh_name_files_by_the_identity() -> None:
    """The spec reads the identity from the package; install.sh (a shell script) spells it once, the same."""
    spec = (PACKAGING / "recipro.spec").read_text(encoding="utf-8")
    assert 'APP_ID = re.search(r\'^APP_REVERSE_DNS = "([^"]+)"\'' in spec
    assert "bundle_identifier=APP_ID" in spec
    assert re.search(r'target / f"\{APP_ID\}\.png"', spec)
    assert re.search(r"^ID=(\S+)", INSTALL_SH.read_text(encoding="utf-8"), re.M)[1] == APP_REVERSE_DNS  # type: ignore[index]


def test_desktop_file_name_wm_class_and_settings_are_what_the_app_sets() -> None:
    """Wayland matches windows by the desktop file name, X11 by WM_CLASS, whose class Qt takes from the
    application name (xprop on the running app under Xvfb: WM_CLASS = "recipro", "Recipro"). The settings
    organisation and domain are the same identity (macOS: io.github.recipro.Recipro.plist, the bundle id)."""
    code = (
        "from recipro_desktop.app import make_application\n"
        "app = make_application([])\n"
        "print(app.desktopFileName()); print(app.applicationName())\n"
        "print(app.organizationName()); print(app.organizationDomain())\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    desktop_file_name, application_name, organization, domain = result.stdout.split()
    entry = read_desktop(DESKTOP)
    assert DESKTOP.name == f"{desktop_file_name}.desktop"
    assert entry["StartupWMClass"] == application_name == APP_NAME
    assert organization == SETTINGS_ORGANIZATION == "io.github.recipro"
    assert domain == ORGANIZATION_DOMAIN
    assert ".".join([*reversed(domain.split(".")), application_name]) == APP_REVERSE_DNS


@freedesktop_validator
def test_desktop_file_validate_accepts_the_entry() -> None:
    assert_desktop_file_valid(DESKTOP)


# --- AppStream metadata -------------------------------------------------------------------------------------


def test_metainfo_matches_the_desktop_entry_and_the_project() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_REVERSE_DNS
    assert root.findtext("name") == APP_NAME
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == PYPROJECT["project"]["license"]
    developer = root.find("developer")
    assert developer is not None and developer.get("id") == SETTINGS_ORGANIZATION and developer.findtext("name")
    urls = PYPROJECT["project"]["urls"]
    assert {u.get("type"): u.text for u in root.iterfind("url")} == {
        "homepage": urls["Homepage"],
        "bugtracker": urls["Issues"],
        "vcs-browser": urls["Source"],
    }
    assert urls["Homepage"] == HOMEPAGE
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP.name
    assert [b.text for b in root.iterfind("provides/binary")] == list(PYPROJECT["project"]["scripts"])
    releases = root.findall("releases/release")
    assert releases[0].get("version") == PYPROJECT["project"]["version"]
    date.fromisoformat(releases[0].get("date", ""))
    rating = root.find("content_rating")
    assert rating is not None and rating.get("type") == "oars-1.1"
    entry = read_desktop(DESKTOP)
    assert [c.text for c in root.iterfind("categories/category")] == entry["Categories"].split(";")[:-1]
    assert [k.text for k in root.iterfind("keywords/keyword")] == entry["Keywords"].split(";")[:-1]
    assert {c.text for c in root.iterfind("supports/control")} == {"pointing", "keyboard"}
    assert [r.get("version") for r in releases] == ["0.1.0"]


def test_metainfo_screenshots_are_the_readme_screenshots_on_github() -> None:
    root = ET.parse(METAINFO).getroot()
    shots = root.findall("screenshots/screenshot")
    assert [s.get("type") for s in shots] == ["default"] + [None] * (len(shots) - 1)
    prefix = PYPROJECT["project"]["urls"]["Source"].replace("https://github.com/", "https://raw.githubusercontent.com/")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for shot in shots:
        assert (shot.findtext("caption") or "").strip()
        image = shot.find("image")
        assert image is not None and image.get("type") == "source"
        url = image.text or ""
        assert url.startswith(f"{prefix}/main/docs/screenshots/")
        local = ROOT / url.removeprefix(f"{prefix}/main/")
        assert local.is_file(), url  # the file exists in the repository
        assert png_header(local.read_bytes())[:2] == (int(image.get("width", 0)), int(image.get("height", 0)))
        assert local.relative_to(ROOT).as_posix() in readme  # the screenshots the README shows
    assert len(shots) == len(list((ROOT / "docs" / "screenshots").glob("*.png")))


def test_metainfo_description_tells_a_software_centre_what_recipro_is() -> None:
    root = ET.parse(METAINFO).getroot()
    description = " ".join(" ".join(root.find("description").itertext()).split())  # type: ignore[union-attr]
    for phrase in ("reciprocity", "encrypted", "no cloud", "your own computer", "CSV"):
        assert phrase in description


def appstream_version() -> tuple[int, ...]:
    out = subprocess.run(["appstreamcli", "--version"], capture_output=True, text=True).stdout
    found = re.search(r"(\d+)\.(\d+)", out)
    assert found, out
    return int(found[1]), int(found[2])


# Pedantic hints and infos accepted on purpose, each for a reason (anything else fails):
ACCEPTED_HINTS = {
    # The id keeps the app's capitalised name, as published (Flathub accepts it; renaming an id breaks updates).
    ("cid-contains-uppercase-letter", APP_REVERSE_DNS),
}
# AppStream before 1.0 (Debian 12, Ubuntu 22.04) does not know <developer>, which 1.0 wants instead of the
# deprecated <developer_name>.
ACCEPTED_BEFORE_1_0 = {("unknown-tag", "developer")}


@freedesktop_validator
def test_appstreamcli_validates_the_metainfo_pedantically() -> None:
    require_tool("appstreamcli", "appstream")
    result = subprocess.run(
        ["appstreamcli", "validate", "--pedantic", "--no-net", str(METAINFO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation was successful" in result.stdout
    issues = set(re.findall(r"^[EWIP]: [^:]+:\d*: (\S+)(?: (\S+))?$", result.stdout, re.M))
    accepted = ACCEPTED_HINTS | (ACCEPTED_BEFORE_1_0 if appstream_version() < (1, 0) else set())
    assert issues - accepted == set(), result.stdout
    assert not re.search(r"^[EW]:", result.stdout, re.M), result.stdout


# --- icons ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", PNG_SIZES)
def test_png_icons_are_square_rgba_of_their_size(size: int) -> None:
    assert png_header((PACKAGING / "icons" / f"recipro-{size}.png").read_bytes()) == (size, size, 8, 6)


def test_ico_carries_every_windows_size() -> None:
    assert ico_sizes(ICO.read_bytes()) == list(ICO_SIZES)


def test_icns_carries_every_macos_size_including_retina() -> None:
    assert icns_entries(ICNS.read_bytes()) == ICNS_TYPES


def test_committed_icons_show_the_current_app_svg(qapp: object) -> None:
    """Each PNG is what make_icons.py renders from resources/icons/app.svg now: an edited app icon that was
    not re-exported fails here. (A small tolerance absorbs anti-aliasing differences between Qt versions.)"""
    from PySide6.QtGui import QImage

    make_icons = load_make_icons()
    for size in PNG_SIZES:
        committed = QImage(str(PACKAGING / "icons" / f"recipro-{size}.png"))
        assert not committed.isNull()
        committed = committed.convertToFormat(QImage.Format.Format_RGBA8888)
        fresh = make_icons.render(size)
        a, b = bytes(committed.constBits()), bytes(fresh.constBits())  # type: ignore[arg-type]
        assert len(a) == len(b) == size * size * 4
        diffs = [abs(x - y) for x, y in zip(a, b, strict=True)]
        assert max(diffs) <= 16 and sum(diffs) / len(diffs) < 0.5, (size, max(diffs), sum(diffs) / len(diffs))
        assert a[3] == 0  # a transparent corner: the icon is a rounded tile, not a square
        centre = (size // 2 * size + size // 2) * 4
        assert a[centre + 3] == 255


def test_make_icons_output_is_deterministic(qapp: object) -> None:
    pytest.importorskip("PIL", reason="Pillow is in the 'packaging' dependency group")
    make_icons = load_make_icons()
    first, second = make_icons.build(), make_icons.build()
    assert first == second
    assert set(first) == {PACKAGING / "icons" / f"recipro-{n}.png" for n in PNG_SIZES} | {ICO, ICNS}
    assert ico_sizes(first[ICO]) == list(ICO_SIZES)
    assert icns_entries(first[ICNS]) == ICNS_TYPES


# --- install.sh -----------------------------------------------------------------------------------------------


def make_bundle(
    folder: Path, version: str, icon_sizes: tuple[int, ...] = PNG_SIZES, *, desktop_id: str = APP_REVERSE_DNS
) -> Path:
    """A fake one-folder bundle laid out as the PyInstaller spec lays out the real one (``desktop_id="recipro"``
    and the 0.1 install.sh give a 0.1 bundle)."""
    bundle = folder / "recipro"
    if bundle.exists():
        shutil.rmtree(bundle)
    (bundle / "_internal").mkdir(parents=True)
    exe = bundle / "recipro"
    exe.write_text(f'#!/bin/sh\necho "fake recipro {version} $*"\n', encoding="utf-8")
    exe.chmod(0o755)
    (bundle / "_internal" / "libfake.so").write_bytes(b"\x7fELF" + version.encode())
    (bundle / "_internal" / "libfake.so.1").symlink_to("libfake.so")
    shutil.copy2(INSTALL_SH, bundle / "install.sh")
    (bundle / "share" / "applications").mkdir(parents=True)
    shutil.copy2(DESKTOP, bundle / "share" / "applications" / f"{desktop_id}.desktop")
    (bundle / "share" / "metainfo").mkdir()
    shutil.copy2(METAINFO, bundle / "share" / "metainfo" / METAINFO.name)
    for size in icon_sizes:
        apps = bundle / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        apps.mkdir(parents=True)
        shutil.copy2(PACKAGING / "icons" / f"recipro-{size}.png", apps / f"{desktop_id}.png")
    return bundle


def tree(root: Path) -> dict[str, str]:
    """Every path under ``root`` with a digest of what it is (file bytes and mode, link target, folder)."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            found[rel] = f"link {os.readlink(path)}"
        elif path.is_dir():
            found[rel] = f"dir {path.stat().st_mode:o}"
        else:
            found[rel] = f"file {path.stat().st_mode:o} {hashlib.sha256(path.read_bytes()).hexdigest()}"
    return found


def run_install(script: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", str(script), *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def user_env(isolated_environment: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SUDO_USER"}
    env["PATH"] = "/usr/bin:/bin"
    return env


@pytest.fixture
def journal(isolated_environment: Path) -> Path:
    """A journal, its backups and the demo journal where the app keeps them (paths.py: platformdirs)."""
    data = Path(os.environ["XDG_DATA_HOME"]) / APP_ID
    (data / "backups").mkdir(parents=True)
    (data / "journal.db").write_bytes(os.urandom(4096))
    (data / "keyslots.json").write_text('{"slots": []}', encoding="utf-8")
    (data / "backups" / "journal-1.db").write_bytes(os.urandom(2048))
    demo = data.with_name(f"{APP_ID}-demo")
    demo.mkdir()
    (demo / "journal.db").write_bytes(os.urandom(1024))
    return data


@linux_installer
def test_install_upgrade_and_uninstall_leave_the_home_as_it_was(
    tmp_path: Path, isolated_environment: Path, user_env: dict[str, str], journal: Path
) -> None:
    """H1: a HOME with a space and an accent; the journal is never touched."""
    home = isolated_environment
    data_home = Path(user_env["XDG_DATA_HOME"])
    before = tree(home)
    bundle = make_bundle(tmp_path / "download", "1.0")

    result = run_install(bundle / "install.sh", env=user_env)
    assert result.returncode == 0, result.stderr
    assert f"Your journal in {journal} is not touched" in result.stdout
    app_dir = data_home / "recipro-app"
    exe = app_dir / "recipro"
    assert (app_dir / "_internal" / "libfake.so.1").is_symlink()  # the bundle's symlinks stay symlinks
    link = home / ".local" / "bin" / "recipro"
    assert os.readlink(link) == str(exe)
    assert subprocess.run([str(link), "--demo"], capture_output=True, text=True).stdout == "fake recipro 1.0 --demo\n"
    assert f"{home / '.local' / 'bin'} is not on your PATH" in result.stdout

    installed = read_desktop(data_home / "applications" / DESKTOP.name)
    command = split_exec(installed["Exec"])
    assert command == [str(exe)] and Path(command[0]).is_absolute()
    assert subprocess.run(command, capture_output=True, text=True).stdout == "fake recipro 1.0 \n"
    assert installed["Icon"] == APP_REVERSE_DNS
    assert {k: v for k, v in installed.items() if k != "Exec"} == {
        k: v for k, v in read_desktop(DESKTOP).items() if k != "Exec"
    }
    for size in PNG_SIZES:
        icon = data_home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_REVERSE_DNS}.png"
        assert icon.read_bytes() == (PACKAGING / "icons" / f"recipro-{size}.png").read_bytes()
    assert_desktop_file_valid(data_home / "applications" / DESKTOP.name)

    # Upgrade from a newer download that no longer ships the 512 px icon.
    bundle = make_bundle(tmp_path / "download", "2.0", icon_sizes=PNG_SIZES[:-1])
    result = run_install(bundle / "install.sh", env=user_env)
    assert result.returncode == 0, result.stderr
    assert "Upgrading Recipro" in result.stdout
    assert subprocess.run([str(link)], capture_output=True, text=True).stdout == "fake recipro 2.0 \n"
    assert (app_dir / "_internal" / "libfake.so").read_bytes() == b"\x7fELF2.0"
    assert not (data_home / "icons" / "hicolor" / "512x512").exists()
    assert sorted(p.name for p in data_home.iterdir() if p.name.startswith(".")) == []  # no temp copies left

    # Uninstall from the installed copy: everything added is gone, the journal is as it was.
    result = run_install(app_dir / "install.sh", "--uninstall", env=user_env)
    assert result.returncode == 0, result.stderr
    assert "Recipro is uninstalled" in result.stdout
    assert f"Your journal in {journal} is not touched" in result.stdout
    assert tree(home) == before

    result = run_install(bundle / "install.sh", "--uninstall", env=user_env)  # again: nothing to do
    assert result.returncode == 0 and "not installed" in result.stdout
    assert tree(home) == before


@linux_installer
def test_uninstall_removes_the_start_on_login_entry_of_this_installation_only(
    tmp_path: Path, isolated_environment: Path, user_env: dict[str, str]
) -> None:
    data_home = Path(user_env["XDG_DATA_HOME"])
    bundle = make_bundle(tmp_path / "download", "1.0")
    assert run_install(bundle / "install.sh", env=user_env).returncode == 0
    exe = data_home / "recipro-app" / "recipro"
    ours = Autostart(platform="linux", command=[str(exe)])  # what the installed app writes when asked to
    ours.enable()
    assert ours.is_enabled()
    result = run_install(data_home / "recipro-app" / "install.sh", "--uninstall", env=user_env)
    assert result.returncode == 0, result.stderr
    assert "Removed the start-on-login entry" in result.stdout
    assert not ours.is_enabled()

    # Another installation's entry (here: a development checkout) is not this installer's to remove.
    assert run_install(bundle / "install.sh", env=user_env).returncode == 0
    other = Autostart(platform="linux", command=["/home/dev/recipro/.venv/bin/recipro"])
    other.enable()
    assert run_install(data_home / "recipro-app" / "install.sh", "--uninstall", env=user_env).returncode == 0
    assert other.is_enabled()


@linux_installer
def test_a_foreign_recipro_command_is_left_alone(
    tmp_path: Path, isolated_environment: Path, user_env: dict[str, str]
) -> None:
    """A ``recipro`` already in ~/.local/bin (say, from pipx) is neither replaced nor removed."""
    foreign = isolated_environment / ".local" / "bin" / "recipro"
    foreign.parent.mkdir(parents=True)
    foreign.write_text("#!/bin/sh\necho pipx recipro\n", encoding="utf-8")
    bundle = make_bundle(tmp_path / "download", "1.0")
    result = run_install(bundle / "install.sh", env=user_env)
    assert result.returncode == 0, result.stderr
    assert "is not Recipro's link; left as it is" in result.stdout
    assert foreign.read_text(encoding="utf-8") == "#!/bin/sh\necho pipx recipro\n"
    app_dir = Path(user_env["XDG_DATA_HOME"]) / "recipro-app"
    assert run_install(app_dir / "install.sh", "--uninstall", env=user_env).returncode == 0
    assert foreign.read_text(encoding="utf-8") == "#!/bin/sh\necho pipx recipro\n"
    assert not app_dir.exists()


@linux_installer
def test_install_refuses_a_folder_it_did_not_make_and_a_journal_inside_it(
    tmp_path: Path, isolated_environment: Path, user_env: dict[str, str]
) -> None:
    app_dir = Path(user_env["XDG_DATA_HOME"]) / "recipro-app"
    app_dir.mkdir()
    (app_dir / "notes.txt").write_text("mine", encoding="utf-8")
    bundle = make_bundle(tmp_path / "download", "1.0")
    for args in ((), ("--uninstall",)):
        result = run_install(bundle / "install.sh", *args, env=user_env)
        assert result.returncode == 1
        assert "not made by this installer" in result.stderr
    assert [p.name for p in app_dir.iterdir()] == ["notes.txt"]

    shutil.rmtree(app_dir)
    result = run_install(bundle / "install.sh", env={**user_env, "RECIPRO_DATA_DIR": str(app_dir / "journal")})
    assert result.returncode == 1
    assert "set RECIPRO_DATA_DIR elsewhere" in result.stderr
    assert not app_dir.exists()


@linux_installer
def test_install_refuses_sudo_but_not_a_plain_root(tmp_path: Path, user_env: dict[str, str]) -> None:
    if os.geteuid() != 0:
        pytest.skip("the sudo check applies to root only")
    bundle = make_bundle(tmp_path / "download", "1.0")
    result = run_install(bundle / "install.sh", env={**user_env, "SUDO_USER": "someone"})
    assert result.returncode == 1 and "do not run this with sudo" in result.stderr
    assert not (Path(user_env["XDG_DATA_HOME"]) / "recipro-app").exists()
    assert run_install(bundle / "install.sh", env=user_env).returncode == 0


@linux_installer
@pytest.mark.skipif(not Path("/proc/self/exe").exists(), reason="needs Linux /proc")
def test_a_running_recipro_is_neither_replaced_nor_removed(
    tmp_path: Path, isolated_environment: Path, user_env: dict[str, str]
) -> None:
    """Replacing the folder under a running app would break its next lazy import or Qt plugin load."""
    bundle = make_bundle(tmp_path / "download", "1.0")
    assert run_install(bundle / "install.sh", env=user_env).returncode == 0
    app_dir = Path(user_env["XDG_DATA_HOME"]) / "recipro-app"
    running = app_dir / "_internal" / "sleep"  # a real executable, so /proc/PID/exe points into the folder
    shutil.copy2(shutil.which("sleep") or "/bin/sleep", running)
    process = subprocess.Popen([str(running), "60"])
    try:
        for args in ((), ("--uninstall",)):
            result = run_install(bundle / "install.sh", *args, env=user_env)
            assert result.returncode == 1
            assert f"Recipro is running (process {process.pid}); quit it" in result.stderr
            assert (app_dir / "recipro").is_file() and (app_dir / ".recipro-install").is_file()
    finally:
        process.kill()
        process.wait()
    assert run_install(app_dir / "install.sh", "--uninstall", env=user_env).returncode == 0
    assert not app_dir.exists()


@linux_installer
@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_install_sh_is_shellcheck_clean() -> None:
    result = subprocess.run(["shellcheck", "-s", "sh", str(INSTALL_SH)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@linux_installer
def test_upgrading_a_0_1_install_renames_the_menu_entry_and_icons(
    tmp_path: Path, isolated_environment: Path, user_env: dict[str, str]
) -> None:
    """0.1 installed recipro.desktop and hicolor/*/apps/recipro.png; the upgrade leaves only the new names."""
    home = isolated_environment
    data_home = Path(user_env["XDG_DATA_HOME"])
    before = tree(home)
    old = make_bundle(tmp_path / "old", "0.1", desktop_id="recipro")
    shutil.copy2(Path(__file__).with_name("install_0_1.sh"), old / "install.sh")  # 0.1's installer, verbatim
    assert run_install(old / "install.sh", env=user_env).returncode == 0
    assert (data_home / "applications" / "recipro.desktop").is_file()

    new = make_bundle(tmp_path / "new", "0.2")
    result = run_install(new / "install.sh", env=user_env)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (data_home / "applications").glob("*.desktop")) == [DESKTOP.name]
    icons = sorted(p.name for p in (data_home / "icons" / "hicolor").rglob("*.png"))
    assert icons == [f"{APP_REVERSE_DNS}.png"] * len(PNG_SIZES)

    assert run_install(data_home / "recipro-app" / "install.sh", "--uninstall", env=user_env).returncode == 0
    assert tree(home) == before
