"""services/exporter: formula injection, Excel profile, atomic private writes, failure modes (RELIABILITY F1-F5).

F2 (round-trip exactness with hypothesis) is tests/services/test_roundtrip.py.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from recipro_desktop.core.csv_formats import MARKER_COLUMN
from recipro_desktop.core.models import Act, ActKind, Direction, ItemKind, Person
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services import exporter, importer
from recipro_desktop.services.exporter import ExportError, default_export_dir, export_all, export_google_contacts
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage import fsutil
from recipro_desktop.storage.database import Database
from tests.conftest import fill_volume
from tests.helpers.nonroot import run_unprivileged, unprivileged_dir  # noqa: F401 (fixture)
from tests.helpers.platforms import NO_FILE_SIZE_LIMIT, assert_private_dir, assert_private_file, posix_only
from tests.services.import_fixtures import make_service, stored

REPO = Path(__file__).resolve().parents[2]
TRIGGERS = "=+-@\t\r\x00"
NASTY = [
    '=HYPERLINK("http://evil.example","click")',
    "+49 170 1234567",
    "-2+3",
    "@SUM(A1:A2)",
    "\tcmd",
    "  =1+1",
    "\u00a0=1+1",
    "harmless first line\n=cmd|' /C calc'!A0",
    "first\r\n@second",
    "'starts with a quote",
]


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[JournalService]:
    with make_service(tmp_path / "journal") as service:
        yield service


@pytest.fixture
def filled(svc: JournalService) -> JournalService:
    people = [svc.add_person(Person(display_name=f"Person {i}", notes=note)) for i, note in enumerate(NASTY)]
    svc.add_person(Person(display_name="=evil()", emails=("x@example.org",), tags=("-tag", "ok")))
    svc.add_act(
        Act(
            occurred_on=date(2026, 1, 2),
            direction=Direction.RECEIVED,
            kind=ActKind.FAVOR,
            summary="+summary",
            details="@details\n-more",
            people=(people[0].id, people[1].id),
        )
    )
    return svc


def cells(data: bytes, delimiter: str = ",") -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))


def dangerous(cell: str) -> bool:
    """Independent of the code under test: does any line of the cell start (after blanks) with a trigger?"""
    for line in re.split(r"\r\n|\n|\r", cell):
        stripped = line.lstrip(" \u00a0")
        if (line[:1] and line[:1] in TRIGGERS) or (stripped[:1] and stripped[:1] in TRIGGERS):
            return True
    return cell[:1] in TRIGGERS and cell != ""


def test_f1_no_exported_cell_or_line_starts_with_a_trigger(filled: JournalService, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = export_all(filled, out)
    for name in result.files:
        if not name.endswith(".csv"):
            continue
        data = (result.path / name).read_bytes()
        rows = cells(data)
        assert rows[0][-1] == MARKER_COLUMN
        for row in rows:
            for cell in row:
                assert not dangerous(cell), (name, cell)
        again = io.StringIO(newline="")
        csv.writer(again, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
        assert data.decode() == again.getvalue()  # every cell quoted, quotes doubled
    people_rows = cells((result.path / "people.csv").read_bytes())
    notes = people_rows[0].index("notes")
    assert "'=HYPERLINK" in [r[notes][:11] for r in people_rows]
    assert "harmless first line\n'=cmd|' /C calc'!A0" in [r[notes] for r in people_rows]


def test_f1_google_contacts_file_is_defused_too(filled: JournalService, tmp_path: Path) -> None:
    dest = tmp_path / "google.csv"
    export_google_contacts(filled, dest)
    rows = cells(dest.read_bytes())
    assert rows[0][:3] == ["First Name", "Middle Name", "Last Name"]
    for row in rows[1:]:
        for cell in row:
            assert not dangerous(cell), cell


def test_f3_excel_profile_bom_crlf_quote_all_and_semicolons(filled: JournalService, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = export_all(filled, out, excel=True, semicolon=True)
    data = (result.path / "people.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header_end = data.index(b"\n")
    assert data[header_end - 1 : header_end + 1] == b"\r\n"
    assert cells(data, ";")[0][0] == "id"
    plain = export_all(filled, out)
    plain_data = (plain.path / "people.csv").read_bytes()
    assert not plain_data.startswith(b"\xef\xbb\xbf") and b'"\r\n"id' not in plain_data
    report = importer.run_import(filled, result.path)  # the Excel profile imports back as identical
    assert report.added == 0 and report.identical == report.rows_read


def test_f4_replace_failure_leaves_the_existing_file_untouched(
    filled: JournalService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "contacts.csv"
    dest.write_bytes(b"my earlier export")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(ExportError, match="No space left on device"):
        export_google_contacts(filled, dest)
    assert dest.read_bytes() == b"my earlier export"
    assert fsutil.stale_temp_files(dest) == []


def test_f4_failure_mid_folder_export_leaves_nothing(
    filled: JournalService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    real_fdopen = os.fdopen
    opened: list[int] = []

    def failing_fdopen(fd: int, *args: object, **kwargs: object) -> object:
        opened.append(fd)
        if len(opened) == 4:
            os.close(fd)
            raise OSError(5, "Input/output error")
        return real_fdopen(fd, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", failing_fdopen)
    with pytest.raises(ExportError, match="Input/output error"):
        export_all(filled, out)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


@posix_only(NO_FILE_SIZE_LIMIT)
def test_f4_file_size_limit_in_a_child_leaves_no_partial_export(tmp_path: Path) -> None:
    paths = JournalPaths(tmp_path / "journal")
    key = os.urandom(32)
    db = Database.create(paths, key)
    try:
        from recipro_desktop.core.clock import FixedClock
        from tests.services.import_fixtures import NOW

        service = JournalService(db, FixedClock(NOW))
        service.add_many(people=[Person(display_name=f"Person {i}", notes=os.urandom(150).hex()) for i in range(600)])
    finally:
        db.close()
    out = tmp_path / "out"
    out.mkdir()
    child = textwrap.dedent(
        f"""
        import json, resource, signal, sys
        sys.path.insert(0, {str(REPO)!r})
        from pathlib import Path
        from recipro_desktop.core.clock import FixedClock
        from recipro_desktop.paths import JournalPaths
        from recipro_desktop.services import exporter
        from recipro_desktop.services.journal import JournalService
        from recipro_desktop.storage.database import Database
        db = Database.open(JournalPaths(Path({str(paths.data_dir)!r})), bytes.fromhex({key.hex()!r}))
        service = JournalService(db, FixedClock.__new__(FixedClock))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
        out = {{}}
        for as_zip in (False, True):
            try:
                exporter.export_all(service, Path({str(out)!r}), as_zip=as_zip)
                out[str(as_zip)] = "written"
            except exporter.ExportError as exc:
                out[str(as_zip)] = str(exc)
        db.close()
        print(json.dumps(out))
        """
    )
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    import json

    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert all("File too large" in v and "nothing was saved" in v for v in result.values()), result
    assert list(out.iterdir()) == []


def test_f4_full_volume_leaves_no_partial_export(tmp_path: Path, small_volume: Path) -> None:
    """F4 on a destination volume that really fills up (ENOSPC; ERROR_DISK_FULL on Windows, which has no file-size
    limit): each export is refused with "nothing was saved" and leaves no file; with space again it is written."""
    paths = JournalPaths(tmp_path / "journal")
    db = Database.create(paths, os.urandom(32))
    try:
        from recipro_desktop.core.clock import FixedClock
        from tests.services.import_fixtures import NOW

        service = JournalService(db, FixedClock(NOW))
        service.add_many(people=[Person(display_name=f"Person {i}", notes=os.urandom(150).hex()) for i in range(600)])
        out = small_volume / "out"
        out.mkdir()
        ballast = fill_volume(small_volume, leave=60_000)
        for as_zip in (False, True):
            with pytest.raises(ExportError, match="nothing was saved"):
                export_all(service, out, as_zip=as_zip)
            assert list(out.iterdir()) == []
        ballast.unlink()
        made = export_all(service, out, as_zip=True)
        assert made.path.parent == out and made.path.stat().st_size > 60_000
    finally:
        db.close()


@pytest.mark.nonroot
def test_f4_read_only_folder_as_nobody(unprivileged_dir: Path) -> None:  # noqa: F811
    code = f"""
        import json, os, sys
        sys.path.insert(0, {str(REPO)!r})
        from pathlib import Path
        from recipro_desktop.paths import JournalPaths
        from recipro_desktop.core.models import Person
        from recipro_desktop.services import exporter
        from recipro_desktop.services.journal import JournalService
        from recipro_desktop.storage.database import Database
        from recipro_desktop.core.clock import SystemClock
        db = Database.create(JournalPaths(Path.cwd() / "journal"), os.urandom(32))
        service = JournalService(db, SystemClock())
        service.add_person(Person(display_name="Ana"))
        locked = Path.cwd() / "locked"
        locked.mkdir(mode=0o500)
        out = {{"uid": os.geteuid()}}
        for as_zip in (False, True):
            try:
                exporter.export_all(service, locked, as_zip=as_zip)
                out[str(as_zip)] = "written"
            except exporter.ExportError as exc:
                out[str(as_zip)] = str(exc)
        out["files"] = os.listdir(locked)
        db.close()
        print(json.dumps(out))
    """
    result = run_unprivileged(code, cwd=unprivileged_dir)
    assert result.returncode == 0, result.stderr
    out = result.value
    assert out["uid"] != 0
    assert "Permission denied" in out["False"] and "Permission denied" in out["True"]
    assert out["files"] == []


def test_f5_private_modes_and_never_into_the_data_folder(filled: JournalService, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    folder = export_all(filled, out)
    assert_private_dir(folder.path)
    files = list(folder.path.iterdir())
    assert files
    for file in files:
        assert_private_file(file)
    zipped = export_all(filled, out, as_zip=True)
    assert_private_file(zipped.path)
    with zipfile.ZipFile(zipped.path) as archive:
        assert {(i.external_attr >> 16) & 0o777 for i in archive.infolist()} == {0o600}
    google = export_google_contacts(filled, out / "g.csv")
    assert_private_file(google.path)
    data_dir = filled.database.paths.data_dir
    with pytest.raises(ExportError, match="outside Recipro's data folder"):
        export_all(filled, data_dir)
    assert not default_export_dir(data_dir).resolve().is_relative_to(data_dir.resolve())
    assert "NOT encrypted" in exporter.PLAINTEXT_WARNING and "NOT encrypted" in exporter.summary_text(folder)
    assert exporter.result_json(folder)["encrypted"] is False


def test_exports_never_overwrite_an_earlier_export(filled: JournalService, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    first = export_all(filled, out)
    second = export_all(filled, out)
    assert first.path != second.path and first.path.exists() and second.path.exists()


def test_cancelled_export_leaves_nothing(svc: JournalService, tmp_path: Path) -> None:
    svc.add_many(people=[Person(display_name=f"Person {i}") for i in range(1200)])
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(exporter.ExportCancelledError):
        export_all(svc, out, cancelled=lambda: True)
    assert list(out.iterdir()) == []


def test_google_contacts_export_reimports_as_google(filled: JournalService, tmp_path: Path) -> None:
    filled.add_person(Person(display_name="Old friend", archived=True, birthday_month=4, birthday_day=12))
    filled.add_person(
        Person(
            display_name="Ana Lima",
            given_name="Ana",
            family_name="Lima",
            emails=("ana@example.org", "ana@work.example"),
            phones=("+351 912 345 678",),
            birthday_month=2,
            birthday_day=29,
            tags=("friends",),
        )
    )
    dest = tmp_path / "google.csv"
    result = export_google_contacts(filled, dest)
    assert result.counts == {"people": 12}  # the archived contact stays behind
    with make_service(tmp_path / "other") as other:
        report = importer.run_import(other, dest)
        assert report.format.value == "google" and report.added == 12
        ana = next(p for p in stored(other, ItemKind.PERSON) if p.display_name == "Ana Lima")
        assert ana.emails == ("ana@example.org", "ana@work.example") and ana.tags == ("friends",)
        assert (ana.birthday_month, ana.birthday_day, ana.birthday_year) == (2, 29, None)
