"""Recipro's licence and the notices of the third-party software it runs on (Qt-free).

``THIRD_PARTY_NOTICES`` is generated, never written by hand: :func:`third_party_notices` walks the requirements
of the installed ``recipro-desktop`` distribution recursively, for this platform and Python (environment markers
evaluated, extras followed only where a requirement names them, development tools never reached), and writes for
each distribution its name, version, licence (``License-Expression``, else ``License``, else the classifiers),
home page and the full text of every licence file it ships in its ``.dist-info``. Software that a wheel builds in
without declaring it (SQLCipher, SQLite and OpenSSL inside ``sqlcipher3``, OpenSSL inside ``cryptography``,
libffi inside ``cffi``, Qt's own libraries inside ``PySide6``, with the LGPL obligations) and Python itself get
their own sections. The output is deterministic: sorted, no dates, no paths of the machine that made it.

Two callers: ``packaging/third_party_notices.py`` at bundle build time (the bundle carries the file), and
Help › About Recipro, which reads the bundle's file when frozen and otherwise generates the same text from the
installed metadata (:func:`notices_text`).
"""

from __future__ import annotations

import platform
import re
import sys
import sysconfig
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from recipro_desktop import APP_NAME, DISTRIBUTION, FALLBACK_VERSION, HOMEPAGE

NOTICES_FILE = "THIRD_PARTY_NOTICES"
LICENSE_FILE = "LICENSE"
LICENSE_EXPRESSION = "GPL-3.0-or-later"
_TEXTS = Path(__file__).resolve().parent / "licenses"
_RULE = "=" * 78
_THIN = "-" * 78
_LICENSE_NAMES = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE)", re.IGNORECASE)


# --- requirements and markers (PEP 508), read with ``packaging`` ----------------------------------------------


def _wanted(requirement: Requirement, environment: Mapping[str, str], extras: frozenset[str]) -> bool:
    """Whether ``requirement`` applies here, for a distribution asked for with ``extras``."""
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({**environment, "extra": extra}) for extra in extras or {""})


def runtime_distributions(
    root: str = DISTRIBUTION, environment: Mapping[str, str] | None = None
) -> tuple[list[metadata.Distribution], list[str]]:
    """The installed distributions ``root`` needs at run time here, and the names required but not installed.

    Both sorted by normalized name; ``root`` itself is not in the list.
    """
    here = default_environment()  # a TypedDict of str values
    env: dict[str, str] = dict(environment) if environment is not None else {k: str(v) for k, v in here.items()}
    found: dict[str, metadata.Distribution] = {}
    missing: set[str] = set()
    seen: set[tuple[str, frozenset[str]]] = set()
    queue: list[tuple[str, frozenset[str]]] = [(canonicalize_name(root), frozenset())]
    while queue:
        name, extras = queue.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        try:
            dist = found.get(name) or metadata.distribution(name)
        except metadata.PackageNotFoundError:
            missing.add(name)
            continue
        if name != canonicalize_name(root):
            found[name] = dist
        for text in dist.requires or []:
            requirement = Requirement(text)
            if _wanted(requirement, env, extras):
                queue.append((canonicalize_name(requirement.name), frozenset(requirement.extras)))
    return [found[n] for n in sorted(found)], sorted(missing)


# --- what each distribution says about itself -----------------------------------------------------------------


def _field(meta: metadata.PackageMetadata, key: str) -> str:
    values = meta.get_all(key)
    return str(values[0]) if values else ""


# Distributions whose metadata declares no licence, with what their licence file is (checked by the tests).
UNDECLARED = {"sqlcipher3": "Zlib (pysqlite's licence, its LICENSE file; the metadata declares none)"}


def license_of(dist: metadata.Distribution) -> str:
    """``License-Expression``, else a short ``License``, else the licence classifiers, else "not declared"."""
    meta = dist.metadata
    expression = _field(meta, "License-Expression").strip()
    if expression:
        return expression
    declared = _field(meta, "License").strip()
    if declared and "\n" not in declared and len(declared) <= 120:
        return declared
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    if classifiers:
        return " / ".join(classifiers)
    if declared:
        return "see the licence text below"
    return UNDECLARED.get(canonicalize_name(_field(meta, "Name")), "not declared in its metadata")


_HOMEPAGE_LABELS = ("homepage", "home", "source", "repository", "code", "source code")


def homepage_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    urls: dict[str, str] = {}
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        urls.setdefault(label.strip().lower(), url.strip())
    for label in _HOMEPAGE_LABELS:
        if urls.get(label):
            return urls[label]
    return _field(meta, "Home-page").strip() or next(iter(urls.values()), "")


def license_files(dist: metadata.Distribution) -> list[tuple[str, str]]:
    """(file name, text) of each licence file the distribution ships in its ``.dist-info``, in a stable order."""
    texts: dict[str, str] = {}
    for declared in dist.metadata.get_all("License-File") or []:
        for candidate in (f"licenses/{declared}", declared):
            text = dist.read_text(candidate)
            if text is not None:
                texts[declared] = text
                break
    if not texts:
        for file in dist.files or []:
            parts = file.parts
            if len(parts) >= 2 and parts[0].endswith(".dist-info") and _LICENSE_NAMES.match(parts[-1]):
                relative = "/".join(parts[1:])
                text = dist.read_text(relative)
                if text is not None:
                    texts[relative.removeprefix("licenses/")] = text
    return sorted(texts.items())


def _bundled_text(name: str) -> str:
    return (_TEXTS / name).read_text(encoding="utf-8")


def sqlcipher_versions() -> tuple[str, str, str]:
    """(SQLCipher, SQLite, the crypto provider) as the installed sqlcipher3 reports them."""
    try:
        import sqlcipher3

        conn = sqlcipher3.connect(":memory:")
        try:
            cipher = str(conn.execute("PRAGMA cipher_version").fetchone()[0])
            conn.execute("PRAGMA key = 'x'")
            provider = str(conn.execute("PRAGMA cipher_provider_version").fetchone()[0])
        finally:
            conn.close()
        return cipher, str(sqlcipher3.sqlite_version), provider
    except Exception:  # an old or odd build: the notice still names the libraries
        return "", "", ""


def _openssl_of_cryptography() -> str:
    try:
        from cryptography.hazmat.backends.openssl import backend

        return str(backend.openssl_version_text())
    except Exception:  # e.g. a build against another backend
        return ""


def _qt_library_places() -> str:
    if sys.platform == "darwin":
        return "Recipro.app/Contents/Frameworks/PySide6/Qt/lib/ (the Qt*.framework folders)"
    if sys.platform.startswith("win"):
        return "the PySide6 folder inside the bundle's _internal folder (the Qt6*.dll files)"
    return "_internal/PySide6/Qt/lib/ inside the bundle folder (the libQt6*.so.6 files)"


def _extra_sections(names: set[str]) -> list[tuple[str, str]]:
    """(title, body) for software that wheels build in without declaring it, and Python itself."""
    sections: list[tuple[str, str]] = []
    python = platform.python_version()
    sections.append((f"Python {python}", _python_license()))
    if "pyside6-essentials" in names or "pyside6" in names:
        from_version = metadata.version("shiboken6") if "shiboken6" in names else ""
        sections.append(
            (
                f"Qt {from_version} (in PySide6) - LGPL-3.0: your rights".strip(),
                "\n".join(
                    [
                        "Recipro uses the Qt libraries through PySide6 (Qt for Python) under the GNU Lesser General",
                        "Public License, version 3 (LGPL-3.0; full text below, and the GNU GPL version 3 it builds",
                        "on is in the file LICENSE). Qt and PySide6 are (c) The Qt Company Ltd and other",
                        "contributors.",
                        "",
                        "- The source code of Qt is at https://download.qt.io/official_releases/qt/ and",
                        "  https://code.qt.io/cgit/qt/ ; the source of PySide6 and Shiboken at",
                        "  https://download.qt.io/official_releases/QtForPython/ and",
                        "  https://code.qt.io/cgit/pyside/pyside-setup.git/ (tag v" + from_version + ").",
                        "- Recipro's bundles use Qt as separate shared libraries, unmodified. You may replace them",
                        "  with your own build of the same Qt version (or a compatible one): they are in",
                        "  " + _qt_library_places() + ".",
                        "  Installed with pip, Qt is the PySide6 package in your Python environment.",
                        "- Qt includes third-party code under its own licences, listed at",
                        "  https://doc.qt.io/qt-6/licenses-used-in-qt.html ; on Linux the PySide6 wheels include",
                        "  ICU (libicu*, Unicode licence: https://github.com/unicode-org/icu/blob/main/LICENSE).",
                        "",
                        _THIN,
                        "[LGPL-3.0]",
                        _bundled_text("LGPL-3.0.txt"),
                    ]
                ),
            )
        )
    if "sqlcipher3" in names:
        cipher, sqlite, provider = sqlcipher_versions()
        sections.append(
            (
                "SQLCipher, SQLite and OpenSSL (built into sqlcipher3)",
                "\n".join(
                    [
                        "The sqlcipher3 wheel builds in the libraries below; its own metadata names only pysqlite's",
                        "licence (above, under sqlcipher3).",
                        "",
                        f"SQLCipher {cipher}".rstrip()
                        + " - BSD-3-Clause, (c) ZETETIC LLC, https://www.zetetic.net/sqlcipher/",
                        f"SQLite {sqlite}".rstrip() + " - public domain, https://sqlite.org/copyright.html",
                        f"{provider or 'OpenSSL'} (libcrypto) - Apache-2.0, https://openssl-library.org/",
                        "",
                        _THIN,
                        "[SQLCipher]",
                        _bundled_text("SQLCipher.txt"),
                        _THIN,
                        "[SQLite]",
                        "The author disclaims copyright to this source code. In place of a legal notice, here is a",
                        "blessing:",
                        "    May you do good and not evil.",
                        "    May you find forgiveness for yourself and forgive others.",
                        "    May you share freely, never taking more than you give.",
                        "",
                        _THIN,
                        "[OpenSSL: Apache-2.0]",
                        _bundled_text("Apache-2.0.txt"),
                    ]
                ),
            )
        )
    if "cryptography" in names:
        openssl = _openssl_of_cryptography()
        sections.append(
            (
                "OpenSSL (built into cryptography)",
                f"The cryptography wheel builds in {openssl or 'OpenSSL'} (Apache-2.0, https://openssl-library.org/);\n"
                "the Apache-2.0 text is under cryptography above (LICENSE.APACHE).\n",
            )
        )
    if "cffi" in names:
        sections.append(
            (
                "libffi (built into cffi)",
                "cffi's binary wheels build in libffi (MIT, https://github.com/libffi/libffi).\n\n"
                + _bundled_text("libffi.txt"),
            )
        )
    return sections


def _python_license() -> str:
    """The interpreter's own LICENSE.txt (stdlib folder on POSIX, the install folder on Windows)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for candidate in (stdlib / "LICENSE.txt", Path(sys.base_prefix) / "LICENSE.txt"):
        try:
            return "Python Software Foundation License (PSF-2.0)\n\n" + candidate.read_text(encoding="utf-8")
        except OSError:
            continue
    return (
        "Python Software Foundation License (PSF-2.0); the interpreter that made this file did not ship its\n"
        "LICENSE.txt: read it at https://docs.python.org/3/license.html\n"
    )


# --- the file --------------------------------------------------------------------------------------------------


def own_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return FALLBACK_VERSION


def third_party_notices(environment: Mapping[str, str] | None = None) -> str:
    """The whole ``THIRD_PARTY_NOTICES`` text for this platform's runtime dependencies."""
    dists, missing = runtime_distributions(DISTRIBUTION, environment)
    names: set[str] = {canonicalize_name(d.metadata["Name"]) for d in dists}
    extras = _extra_sections(names)
    title = f"Third-party software in {APP_NAME} {own_version()}"
    lines = [
        title,
        "=" * len(title),
        "",
        f"{APP_NAME} is free software under the GNU General Public License, version 3 or later",
        f"({LICENSE_EXPRESSION}); its text is in the file LICENSE. {HOMEPAGE}",
        "",
        f"{APP_NAME} runs on, and its downloadable bundles include, the software below, each under its own",
        "licence. This file is generated from the installed packages' metadata",
        "(packaging/third_party_notices.py); the list is for "
        + f"{platform.system() or sys.platform} ({sys.platform}) and Python {platform.python_version()}.",
        "",
        "Contents",
        "",
    ]
    for dist in dists:
        lines.append(f"  {dist.metadata['Name']} {dist.version}".ljust(44) + f" {license_of(dist)}")
    for section_title, _body in extras:
        lines.append(f"  {section_title}")
    if missing:
        lines += ["", "Required but not installed here: " + ", ".join(missing)]
    for dist in dists:
        lines += ["", _RULE, f"{dist.metadata['Name']} {dist.version}", _RULE]
        lines.append(f"License: {license_of(dist)}")
        homepage = homepage_of(dist)
        if homepage:
            lines.append(f"Home page: {homepage}")
        files = license_files(dist)
        if not files:
            lines.append("(No licence file in this distribution; its licence text is in a section below.)")
        for file_name, text in files:
            lines += [_THIN, f"[{file_name}]", text.rstrip("\n")]
    for section_title, body in extras:
        lines += ["", _RULE, section_title, _RULE, body.rstrip("\n")]
    return "\n".join(line.rstrip() for line in "\n".join(lines).splitlines()) + "\n"


# --- what the running app shows -------------------------------------------------------------------------------


def _bundle_dir() -> Path | None:
    """The frozen bundle's data folder (PyInstaller's ``sys._MEIPASS``), or ``None`` when not frozen."""
    folder = getattr(sys, "_MEIPASS", None)
    return Path(folder) if getattr(sys, "frozen", False) and folder else None


def license_text() -> str:
    """Recipro's own licence (GPL-3.0-or-later), from the bundle, the installed distribution or the source tree."""
    bundle = _bundle_dir()
    if bundle is not None:
        return (bundle / LICENSE_FILE).read_text(encoding="utf-8")
    try:
        dist = metadata.distribution(DISTRIBUTION)
        for candidate in (f"licenses/{LICENSE_FILE}", LICENSE_FILE):
            text = dist.read_text(candidate)
            if text:
                return text
    except metadata.PackageNotFoundError:
        pass
    return (Path(__file__).resolve().parent.parent / LICENSE_FILE).read_text(encoding="utf-8")  # a source tree


def notices_text() -> str:
    """The bundle's ``THIRD_PARTY_NOTICES`` when frozen, else generated now from the installed metadata."""
    bundle = _bundle_dir()
    if bundle is not None:
        return (bundle / NOTICES_FILE).read_text(encoding="utf-8")
    return third_party_notices()
