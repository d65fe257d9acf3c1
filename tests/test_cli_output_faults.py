"""Faults that used to end in a (redacted) traceback now end in one line and a documented exit code (RELIABILITY I10).

Everything here is real: a Recipro export .zip whose headers lie about an entry's sizes or checksum (bytes edited
on disk), output into a pipe whose reader has gone (real pipes between real processes), output to a full device
(``/dev/full``, or a small volume filled up), a memory limit the import runs into. Each run is the real
``recipro`` command in a child process, and each test checks the journal is as it was.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import pytest

from recipro_desktop import cli
from recipro_desktop.core.csv_formats import CsvError
from recipro_desktop.core.errors import OutputError
from recipro_desktop.core.models import Person
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import open_journal
from tests.conftest import CANARY, fill_volume
from tests.helpers.platforms import posix_only

PASSPHRASE = "quiet-harbour-lantern-42"
LINUX = sys.platform.startswith("linux")


def recipro(data_dir: Path, *argv: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    """The real command in a child process, no keyring (the passphrase unlocks), no terminal."""
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", cli.PASSPHRASE_ENV: PASSPHRASE}
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(
        [*kwargs.pop("prefix", [sys.executable, "-m", "recipro_desktop"]), "--data-dir", str(data_dir), *argv],
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=180,
        **kwargs,
    )


def make_journal(data_dir: Path, people: int = 0, items: int | None = None) -> Path:
    os.environ[cli.PASSPHRASE_ENV] = PASSPHRASE
    try:
        if items is None:
            assert cli.main(["--data-dir", str(data_dir), "init", "--no-keyring"], stdout=io.StringIO()) == 0
        else:
            argv = ["--data-dir", str(data_dir), "demo", "--people", str(people), "--items", str(items)]
            assert cli.main(argv, stdout=io.StringIO()) == 0
    finally:
        del os.environ[cli.PASSPHRASE_ENV]
    if items is None and people:
        opened = open_journal(JournalPaths(data_dir), passphrase=PASSPHRASE)
        for i in range(people):
            opened.service.add_person(Person(display_name=f"Person {i} {CANARY}", notes=f"{CANARY} " + "n" * 300))
        opened.close()
    return data_dir


def counts(data_dir: Path) -> dict[str, int]:
    opened = open_journal(JournalPaths(data_dir), passphrase=PASSPHRASE)
    try:
        return dict(opened.service.stats())
    finally:
        opened.close()


def one_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8")
    assert "Traceback" not in text and "Exception ignored" not in text, text
    lines = text.splitlines()
    assert len(lines) == 1, text
    assert lines[0].startswith("recipro: ")
    return lines[0]


# --- a zip whose entries lie about their sizes -----------------------------------------------------------------


@pytest.fixture
def export_zip(tmp_path: Path) -> Path:
    """A real Recipro export .zip of a journal whose people carry the canary in their names and notes."""
    base = tmp_path / "export"
    source = make_journal(base / "source", people=60)
    out = base / "out"
    out.mkdir()
    os.environ[cli.PASSPHRASE_ENV] = PASSPHRASE
    try:
        assert cli.main(["--data-dir", str(source), "export", "--zip", str(out)], stdout=io.StringIO()) == 0
    finally:
        del os.environ[cli.PASSPHRASE_ENV]
    (archive,) = out.glob("*.zip")
    return archive


def lie(archive: Path, target: Path, entry: str, **fields: int) -> str:
    """Copy ``archive`` with one entry's recorded CRC-32 / sizes changed, in its local header and in the central
    directory alike (so zipfile's own header cross-check passes and the lie shows only when reading)."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith("/" + entry))
    local = {"crc": 14, "compressed": 18, "size": 22}
    central = {"crc": 16, "compressed": 20, "size": 24}
    for field, value in fields.items():
        struct.pack_into("<I", data, info.header_offset + local[field], value)
    end = data.rfind(b"PK\x05\x06")
    pos = struct.unpack_from("<I", data, end + 16)[0]
    while data[pos : pos + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        if data[pos + 46 : pos + 46 + name_len].decode() == info.filename:
            for field, value in fields.items():
                struct.pack_into("<I", data, pos + central[field], value)
        pos += 46 + name_len + extra_len + comment_len
    target.write_bytes(bytes(data))
    return info.filename


@pytest.mark.parametrize(
    "lies",
    [
        {"size": 500},  # fewer bytes than it holds: the CRC of what is read does not match
        {"crc": 0x12345678},  # a checksum that matches nothing
        {"compressed": 700},  # the compressed data "ends" early: zlib runs dry (EOFError)
        {"size": 50, "compressed": 40, "crc": 1},
    ],
    ids=["size", "crc", "compressed-size", "all"],
)
def test_i10_a_zip_whose_entry_lies_about_its_sizes_is_an_import_error(
    export_zip: Path, tmp_path: Path, lies: dict[str, int]
) -> None:
    """I10: ``recipro import`` of a Recipro export .zip whose people.csv header lies: exit 30 (CsvError), one line
    naming the entry, never its content; nothing imported."""
    bad = tmp_path / "lying.zip"
    entry = lie(export_zip, bad, "people.csv", **lies)
    journal = make_journal(tmp_path / "journal")
    before = counts(journal)
    result = recipro(journal, "import", str(bad))
    line = one_line(result.stderr)
    assert result.returncode == CsvError.exit_code, line
    assert entry in line and "damaged" in line
    assert CANARY not in line and "nnnn" not in line
    assert counts(journal) == before


def test_i10_a_zip_with_a_lying_entry_fails_the_same_in_a_dry_run(export_zip: Path, tmp_path: Path) -> None:
    """I10: the dry run reads the archive the same way and stops at the same entry."""
    bad = tmp_path / "lying.zip"
    entry = lie(export_zip, bad, "people.csv", size=500)
    result = recipro(make_journal(tmp_path / "journal"), "import", "--dry-run", str(bad))
    assert result.returncode == CsvError.exit_code
    assert entry in one_line(result.stderr)


# --- a closed pipe ---------------------------------------------------------------------------------------------


@pytest.fixture
def big_journal(tmp_path: Path) -> Path:
    """A demo journal whose timeline output (~250 KB) is far more than a pipe holds (64 KiB on Linux)."""
    return make_journal(tmp_path / "big", people=60, items=2500)


WINDOWS_PIPES = "Windows reports a write into a pipe with no reader as EINVAL or ERROR_NO_DATA, not EPIPE"


@posix_only(WINDOWS_PIPES)
def test_i10_output_into_a_pipe_nobody_reads_is_quiet(big_journal: Path) -> None:
    """I10: ``recipro stats | head -0``: the reader is gone before the first write; exit 141 (as a SIGPIPE death
    in the shell), nothing on stderr, no "Exception ignored" at the interpreter's exit."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = recipro(big_journal, "stats", stdout=write_end)
    finally:
        os.close(write_end)
    assert result.stderr == b""
    assert result.returncode == cli.ClosedPipeError.exit_code == 141


@posix_only(WINDOWS_PIPES)
def test_i10_a_pipe_closed_in_the_middle_of_a_long_timeline_is_quiet(big_journal: Path) -> None:
    """I10: ``recipro timeline --limit 2500 | head -c 100``: the reader leaves mid-output."""
    before = counts(big_journal)
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", cli.PASSPHRASE_ENV: PASSPHRASE}
    argv = [sys.executable, "-m", "recipro_desktop", "--data-dir", str(big_journal), "timeline", "--limit", "2500"]
    with subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as p:
        assert p.stdout is not None and p.stderr is not None
        head = p.stdout.read(100)
        p.stdout.close()
        stderr = p.stderr.read()
        code = p.wait(timeout=180)
    assert len(head) == 100
    assert stderr == b""
    assert code == cli.ClosedPipeError.exit_code
    assert counts(big_journal) == before


def test_i10_a_shell_pipeline_into_head(big_journal: Path) -> None:
    """I10: the same through a real shell pipeline (``head -0`` exits at once, without reading)."""
    if sys.platform == "win32":
        pytest.skip(f"POSIX only: needs sh and head; {WINDOWS_PIPES}")
    script = textwrap.dedent(f"""
        "{sys.executable}" -m recipro_desktop --data-dir "{big_journal}" timeline --limit 2500 | head -0
        echo "status ${{PIPESTATUS[0]}}" >&2
    """)
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", cli.PASSPHRASE_ENV: PASSPHRASE}
    result = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=180)
    assert result.stderr.strip() == "status 141", result.stderr


# --- a full output device --------------------------------------------------------------------------------------


@pytest.mark.skipif(not LINUX, reason="needs /dev/full (Linux); the small-volume test covers every platform")
@pytest.mark.parametrize("argv", [["stats"], ["stats", "--json"], ["export", "--json", "{out}"], ["timeline"]])
def test_i10_output_to_a_full_device(big_journal: Path, tmp_path: Path, argv: list[str]) -> None:
    """I10: ``recipro stats > /dev/full``: OutputError, exit 26, "the device is full"; the journal is unchanged."""
    before = counts(big_journal)
    argv = [a.format(out=tmp_path) for a in argv]
    with open("/dev/full", "wb") as full:
        result = recipro(big_journal, *argv, stdout=full)
    line = one_line(result.stderr)
    assert result.returncode == OutputError.exit_code == 26
    assert line == "recipro: Could not write the output: the device is full."
    assert counts(big_journal) == before


def test_i10_output_to_a_file_on_a_full_volume(big_journal: Path, small_volume: Path) -> None:
    """I10: ``recipro timeline > F`` where F is on a volume filled up for real (ENOSPC; Windows: disk full)."""
    target = small_volume / "timeline.txt"
    ballast = fill_volume(small_volume, leave=0)
    try:
        with open(target, "wb") as out:
            result = recipro(big_journal, "timeline", "--limit", "2500", stdout=out)
    finally:
        ballast.unlink()
    assert result.returncode == OutputError.exit_code
    assert one_line(result.stderr) == "recipro: Could not write the output: the device is full."


# --- other uncaught paths --------------------------------------------------------------------------------------


def test_i10_export_into_a_path_that_is_a_file(tmp_path: Path) -> None:
    """I10: ``recipro export FILE`` where FILE is a file: one line that says so (ExportError 32), not "does not
    exist"."""
    journal = make_journal(tmp_path / "journal", people=3)
    target = tmp_path / "a-file"
    target.write_text("keep me")
    result = recipro(journal, "export", str(target))
    assert result.returncode == 32
    assert "is a file, not a folder" in one_line(result.stderr)
    assert target.read_text() == "keep me"


def test_i10_passphrase_file_that_is_a_folder(tmp_path: Path) -> None:
    """I10: ``--passphrase-file DIR``: a usage error (2), one line."""
    journal = make_journal(tmp_path / "journal")
    result = recipro(journal, "--passphrase-file", str(tmp_path), "stats")
    assert result.returncode == 2
    assert "passphrase file" in one_line(result.stderr)


MEMORY_LIMITED = textwrap.dedent("""
    import resource, runpy, sys
    import recipro_desktop.cli, recipro_desktop.services.importer, recipro_desktop.services.access  # noqa
    import sqlalchemy, sqlcipher3.dbapi2  # the imports are paid before the limit is set
    with open("/proc/self/status") as status:
        vm = next(int(line.split()[1]) for line in status if line.startswith("VmSize:")) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (vm + int(sys.argv[1]), resource.RLIM_INFINITY))
    sys.argv = ["recipro", *sys.argv[2:]]
    runpy.run_module("recipro_desktop", run_name="__main__")
""")


@pytest.mark.skipif(not LINUX, reason="RLIMIT_AS is enforced on Linux only (macOS ignores it, Windows has none)")
def test_i10_running_out_of_memory_is_one_line(tmp_path: Path) -> None:
    """I10: an import larger than the memory the process may use (RLIMIT_AS): MemoryError becomes one line and
    exit 49; nothing is imported."""
    journal = make_journal(tmp_path / "journal")
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8", newline="") as out:
        out.write("First Name,Last Name,Notes\n")
        for i in range(100_000):
            out.write(f"A{i},B{i},{CANARY} {'x' * 380}\n")
    before = counts(journal)
    headroom = str(100 * 1024 * 1024)
    prefix = [sys.executable, "-c", MEMORY_LIMITED, headroom]
    result = recipro(journal, "import", "--format", "generic", str(big), prefix=prefix)
    line = one_line(result.stderr)
    assert result.returncode == cli.EXIT_OUT_OF_MEMORY == 49, line
    assert "ran out of memory" in line
    assert CANARY not in line
    assert counts(journal) == before


@pytest.mark.skipif(not LINUX, reason="needs /dev/full (Linux)")
def test_i10_init_whose_recovery_key_cannot_be_shown_says_so(tmp_path: Path) -> None:
    """I10: ``recipro init > /dev/full`` with no passphrase: the recovery key, the only way in, reached nobody. The
    command fails (26) and says the journal was made and what to do, instead of exiting 0 or with a traceback."""
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    data_dir = tmp_path / "journal"
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "recipro_desktop", "--data-dir", str(data_dir), "init", "--no-keyring"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=180,
        )
    line = one_line(result.stderr)
    assert result.returncode == OutputError.exit_code
    assert "its recovery key could not be written (the device is full)" in line
    assert str(data_dir) in line
