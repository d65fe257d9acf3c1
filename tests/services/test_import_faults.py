"""Import faults for real: huge files, cancel, a kill -9 mid-transaction, an exception at row k, and a source file
that changes while it is read (RELIABILITY E12, E19, E20)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.csv_formats import CsvError
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services import importer
from recipro_desktop.services.import_store import ImportCancelledError
from recipro_desktop.services.importer import FileChangedError, ImportLimits, ImportSettings
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage.database import Database
from tests.helpers.platforms import SELF_KILLED_EXIT, WINDOWS
from tests.services.import_fixtures import NOW, count, make_service, stored

REPO = Path(__file__).resolve().parents[2]


def contacts_file(path: Path, rows: int) -> Path:
    with path.open("w", newline="") as out:
        out.write("Name,Email,Notes\n")
        for i in range(rows):
            out.write(f'Person {i},p{i}@example.org,"note {i}, with a comma\nand a second line"\n')
    return path


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[JournalService]:
    with make_service(tmp_path / "journal") as service:
        yield service


# --- E12 -------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_e12_million_row_file_is_refused_fast_with_bounded_memory(svc: JournalService, tmp_path: Path) -> None:
    path = tmp_path / "million.csv"
    block = "".join(f"Person {i},p{i}@example.org,short note\n" for i in range(1000)).encode()
    with path.open("wb") as out:
        out.write(b"Name,Email,Notes\n")
        for _ in range(1000):
            out.write(block)
    assert path.stat().st_size < 50_000_000  # under the size cap: the row cap must stop it
    tracemalloc.start()
    try:
        with pytest.raises(CsvError, match="more than 200,000 data rows"):
            importer.plan_import(svc, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB: the file was not streamed"
    assert count(svc) == 0


def test_e12_row_cap_is_configurable(svc: JournalService, tmp_path: Path) -> None:
    path = contacts_file(tmp_path / "c.csv", 50)
    with pytest.raises(CsvError, match="more than 10 data rows"):
        importer.run_import(svc, path, ImportSettings(limits=ImportLimits(max_rows=10)))
    with pytest.raises(CsvError, match="limit for one import is 0 MB"):
        importer.run_import(svc, path, ImportSettings(limits=ImportLimits(max_bytes=100)))
    assert count(svc) == 0


def test_e12_cancel_while_reading_writes_nothing(svc: JournalService, tmp_path: Path) -> None:
    path = contacts_file(tmp_path / "c.csv", 3000)
    polls = []

    def cancelled() -> bool:
        polls.append(1)
        return len(polls) > 1000

    with pytest.raises(ImportCancelledError):
        importer.plan_import(svc, path, cancelled=cancelled)
    assert count(svc) == 0


def test_e12_cancel_while_writing_rolls_back_everything(svc: JournalService, tmp_path: Path) -> None:
    path = contacts_file(tmp_path / "c.csv", 5000)
    plan = importer.plan_import(svc, path)
    seen: list[int] = []

    def progress(done: int, total: int | None) -> None:
        seen.append(done)

    with pytest.raises(ImportCancelledError):
        importer.apply_import(svc, plan, progress=progress, cancelled=lambda: len(seen) >= 3)
    assert seen[-1] == 4000  # two chunks of 2,000 were inside the transaction when it was cancelled
    assert count(svc) == 0 and svc.list_import_batches() == []
    assert importer.apply_import(svc, plan).added == 5000  # and the same plan imports fine afterwards


# --- E19 -------------------------------------------------------------------------------------------------------


def test_e19_exception_at_row_k_leaves_nothing(svc: JournalService, tmp_path: Path) -> None:
    plan = importer.plan_import(svc, contacts_file(tmp_path / "c.csv", 5000))

    def progress(done: int, total: int | None) -> None:
        if done >= 2000:
            raise RuntimeError("mapper failed at row k")

    with pytest.raises(RuntimeError):
        importer.apply_import(svc, plan, progress=progress)
    assert count(svc) == 0 and svc.list_import_batches() == []


def test_e19_kill_9_in_the_middle_of_the_import_transaction(tmp_path: Path) -> None:
    paths = JournalPaths(tmp_path / "journal")
    key = os.urandom(32)
    Database.create(paths, key).close()
    source = contacts_file(tmp_path / "c.csv", 6000)
    child = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(REPO)!r})
        from pathlib import Path
        from recipro_desktop.core.clock import FixedClock
        from recipro_desktop.paths import JournalPaths
        from recipro_desktop.services import importer
        from recipro_desktop.services.journal import JournalService
        from recipro_desktop.storage.database import Database
        from tests.services.import_fixtures import NOW
        db = Database.open(JournalPaths(Path({str(paths.data_dir)!r})), bytes.fromhex({key.hex()!r}))
        service = JournalService(db, FixedClock(NOW))
        plan = importer.plan_import(service, Path({str(source)!r}))
        def progress(done, total):
            if done >= 4000:  # two chunks written, inside the one import transaction
                print("killing at", done, flush=True)
                os.kill(os.getpid(), 9)  # SIGKILL; TerminateProcess on Windows
        importer.apply_import(service, plan, progress=progress)
        print("not killed", flush=True)
        """
    )
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == SELF_KILLED_EXIT, done.stderr
    assert "killing at 4000" in done.stdout
    db = Database.open(paths, key)  # recovery + quick check on open
    try:
        service = JournalService(db, FixedClock(NOW))
        assert count(service) == 0 and service.list_import_batches() == []
        assert importer.run_import(service, source).added == 6000  # the journal is healthy and importable
    finally:
        db.close()


# --- E20 -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["truncate", "remove", "append"])
def test_e20_source_changed_while_reading(svc: JournalService, tmp_path: Path, how: str) -> None:
    path = contacts_file(tmp_path / "c.csv", 4000)
    touched = threading.Event()
    refused: list[OSError] = []

    def change() -> None:
        try:
            if how == "truncate":
                os.truncate(path, path.stat().st_size // 3)
            elif how == "remove":
                path.unlink()
            else:
                with path.open("a") as out:
                    out.write("Late Person,late@example.org,x\n")
        except OSError as exc:
            refused.append(exc)
        touched.set()

    def progress(done: int, total: int | None) -> None:
        if not touched.is_set():
            worker = threading.Thread(target=change)
            worker.start()
            worker.join()

    if how == "remove" and WINDOWS:
        # Windows refuses to delete a file that is open without FILE_SHARE_DELETE (as Python opens files): the
        # removal fails with a sharing violation and the import reads the whole, unchanged file.
        plan = importer.plan_import(svc, path, progress=progress)
        assert touched.is_set()
        assert len(refused) == 1 and isinstance(refused[0], PermissionError), refused
        assert len(plan.rows) == 4000 and plan.rejected == 0
        path.unlink()  # the importer closed the file when it was done: now it can go
        assert count(svc) == 0
        return
    assert refused == []
    with pytest.raises(FileChangedError, match="changed while it was being read"):
        importer.plan_import(svc, path, progress=progress)
    assert touched.is_set()
    assert count(svc) == 0


def test_e20_truncated_mid_quote_is_reported_as_a_change_not_a_bad_quote(svc: JournalService, tmp_path: Path) -> None:
    path = contacts_file(tmp_path / "c.csv", 4000)
    cut = path.read_bytes().index(b"note 3000,") + 3  # inside a quoted note

    def progress(done: int, total: int | None) -> None:
        if done and path.stat().st_size > cut:
            thread = threading.Thread(target=os.truncate, args=(path, cut))
            thread.start()
            thread.join()

    with pytest.raises(FileChangedError):
        importer.plan_import(svc, path, progress=progress)
    assert stored(svc) == []
