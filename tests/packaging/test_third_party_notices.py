"""THIRD_PARTY_NOTICES, generated from the installed metadata (recipro_desktop/notices.py and
packaging/third_party_notices.py): it names every runtime distribution and none of the development tools, carries
their licence files, the LGPL text and obligations for Qt, the libraries sqlcipher3 builds in, and is the same
text every time. The runtime set is computed a second, independent way here, with the ``packaging`` library."""

from __future__ import annotations

import importlib.util
import re
import sys
from importlib import metadata
from pathlib import Path
from types import ModuleType

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from recipro_desktop import DISTRIBUTION, notices

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def text() -> str:
    return notices.third_party_notices()


def expected_runtime() -> set[str]:
    """The runtime closure of recipro-desktop for this interpreter, by ``packaging``'s own marker evaluation."""
    env = default_environment()
    seen: set[tuple[str, frozenset[str]]] = set()
    names: set[str] = set()
    queue = [(canonicalize_name(DISTRIBUTION), frozenset[str]())]
    while queue:
        name, extras = queue.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        names.add(name)
        for line in metadata.distribution(name).requires or []:
            req = Requirement(line)
            if req.marker is not None and not any(
                req.marker.evaluate({**env, "extra": extra}) for extra in (extras or {""})
            ):
                continue
            queue.append((canonicalize_name(req.name), frozenset(canonicalize_name(e) for e in req.extras)))
    return names - {canonicalize_name(DISTRIBUTION)}


def test_names_every_runtime_distribution_and_no_development_tool(text: str) -> None:
    dists, missing = notices.runtime_distributions()
    assert missing == []
    assert {canonicalize_name(d.metadata["Name"]) for d in dists} == expected_runtime()
    for must in ("pyside6-essentials", "shiboken6", "sqlcipher3", "sqlalchemy", "alembic", "mako", "markupsafe"):
        assert must in expected_runtime()
    for must in ("keyring", "cryptography", "cffi", "platformdirs", "charset-normalizer", "typing-extensions"):
        assert must in expected_runtime()
    if sys.platform.startswith("linux"):
        assert {"secretstorage", "jeepney"} <= expected_runtime()
    for dist in dists:
        assert f"\n{dist.metadata['Name']} {dist.version}\n" in text  # a section of its own, with its version
    for tool in ("pytest", "ruff", "mypy", "hypothesis", "pyinstaller", "pillow", "pytest-qt"):
        assert not re.search(rf"^{tool} \d", text, re.M | re.I), tool


def test_carries_every_licence_file_each_distribution_ships(text: str) -> None:
    for dist in notices.runtime_distributions()[0]:
        declared = dist.metadata.get_all("License-File") or []
        files = notices.license_files(dist)
        assert len(files) >= min(len(declared), 1) or not declared, dist.metadata["Name"]
        for _name, body in files:
            lines = "\n".join(line.rstrip() for line in body.strip().splitlines())  # trailing blanks dropped
            assert lines and lines in text


def test_qt_section_has_the_lgpl_text_and_the_right_to_replace_qt(text: str) -> None:
    qt = text[text.index("\nQt ") :]
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in qt and "Version 3, 29 June 2007" in qt
    assert "https://download.qt.io/official_releases/qt/" in qt
    assert "You may replace them" in qt
    assert metadata.version("shiboken6") in qt.splitlines()[1]


def test_libraries_built_into_sqlcipher3_are_named_with_their_versions_and_licences(text: str) -> None:
    import sqlcipher3

    conn = sqlcipher3.connect(":memory:")
    cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
    conn.close()
    section = text[text.index("\nSQLCipher, SQLite and OpenSSL") :]
    assert f"SQLCipher {cipher} - BSD-3-Clause" in section
    assert f"SQLite {sqlcipher3.sqlite_version} - public domain" in section
    assert "ZETETIC LLC" in section and "Apache License" in section and "OpenSSL" in section
    assert "sqlcipher3 0" in text and "Zlib" in text  # its own (undeclared) licence, named


def test_python_itself_is_there(text: str) -> None:
    import platform

    assert f"\nPython {platform.python_version()}\n" in text
    assert "PYTHON SOFTWARE FOUNDATION LICENSE" in text or "docs.python.org/3/license.html" in text


def test_output_is_deterministic_and_has_no_dates_or_local_paths(text: str) -> None:
    assert notices.third_party_notices() == text
    header = text[: text.index("\n=====", 100)]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", header)
    for local in {sys.prefix, sys.base_prefix, str(Path.home()), str(ROOT)}:
        assert local not in text


def test_requirements_are_followed_for_the_platform_asked_for() -> None:
    """Markers are evaluated for the environment given: Windows-only dependencies appear for Windows (when they
    are installed here, e.g. for the Windows bundle's build) and the Linux keyring's never do there."""
    windows = {**default_environment(), "sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"}
    linux = {**default_environment(), "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"}
    on_windows, _ = notices.runtime_distributions(environment=windows)
    on_linux, _ = notices.runtime_distributions(environment=linux)
    names_windows = {canonicalize_name(d.metadata["Name"]) for d in on_windows}
    names_linux = {canonicalize_name(d.metadata["Name"]) for d in on_linux}
    installed = {canonicalize_name(d.metadata["Name"]) for d in metadata.distributions()}
    platform_only = {"secretstorage": (names_linux, names_windows), "pywin32-ctypes": (names_windows, names_linux)}
    present = [name for name in platform_only if name in installed]
    assert present  # the keyring's platform backend of this machine is installed, so the check below means something
    for name in present:
        wanted_in, absent_from = platform_only[name]
        assert name in wanted_in and name not in absent_from, name
    assert {"keyring", "cryptography", "sqlcipher3", "pyside6-essentials"} <= names_windows & names_linux


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("third_party_notices", ROOT / "packaging" / "third_party_notices.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_script_writes_the_file_and_refuses_a_gap(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script = load_script()
    out = tmp_path / "THIRD_PARTY_NOTICES"
    assert script.main(["--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == text
    monkeypatch.setattr(script, "runtime_distributions", lambda: ([], ["sqlcipher3"]))
    assert script.main(["--output", str(tmp_path / "again")]) == 1
    assert "required but not installed: sqlcipher3" in capsys.readouterr().err
    assert not (tmp_path / "again").exists()


def test_a_frozen_app_reads_the_files_its_bundle_carries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "LICENSE").write_text("the bundled licence\n", encoding="utf-8")
    (tmp_path / "THIRD_PARTY_NOTICES").write_text("the bundled notices\n", encoding="utf-8")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert notices.license_text() == "the bundled licence\n"
    assert notices.notices_text() == "the bundled notices\n"


def test_not_frozen_the_licence_is_the_projects_gpl() -> None:
    assert notices.license_text() == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "GNU GENERAL PUBLIC LICENSE" in notices.license_text()
