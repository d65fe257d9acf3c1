"""Damage inside a hot write-ahead log (RELIABILITY I5): found before SQLite replays the log, never repaired.

When SQLite opens a database whose ``-wal`` file still holds commits (a crash, or a process killed before its
checkpoint), it replays the log frame by frame and stops, without a word, at the first frame whose cumulative
checksum does not match: every commit after a flipped byte is dropped, and the next checkpoint makes that
final. :func:`scan` reads the log with the same rules *before* any connection does, and tells apart

* the normal leftovers: a torn last frame of a write that was interrupted (kill -9, power cut), frames of an
  older salt generation after a checkpoint reset, frames of a transaction that was rolled back — nothing that
  was ever acknowledged lies beyond the valid frames; and
* damage: after the first bad frame, the log goes on with frames of the current generation that chain to it
  and hold at least one commit **followed by more of the log**. With ``synchronous=FULL`` SQLite syncs the log
  at every commit before the next transaction writes a frame, so a commit with more frames after it was on
  the disk whole; a bad frame before it was not torn by a crash but changed afterwards. (A bad frame inside
  the very last transaction looks exactly like a power cut that tore that transaction, and is not reported:
  SQLite then loses only that last, possibly unsynced, transaction, as it would after a power cut.)

A lost commit whose pages the database file already holds (it was checkpointed before the log was reset) is
not damage either: the pages are compared with the database file.

The format (https://www.sqlite.org/fileformat2.html#walformat): a 32-byte header (magic 0x377f0682/3, which
selects the checksum byte order; version; page size; checkpoint sequence; salt-1; salt-2; checksum-1/2), then
frames of a 24-byte header (page number; database size after a commit, 0 otherwise; salt-1; salt-2;
cumulative checksum-1/2) and the page. SQLCipher writes encrypted pages, and the checksums cover the bytes
as written, so the log is checked without the key.
"""

from __future__ import annotations

import contextlib
import logging
import os
import struct
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from recipro_desktop.paths import JournalPaths
from recipro_desktop.storage import fsutil

log = logging.getLogger(__name__)

HEADER_BYTES = 32
FRAME_HEADER_BYTES = 24
MAGIC_LITTLE = 0x377F0682
MAGIC_BIG = 0x377F0683
WAL_VERSION = 3007000
PAGE_SIZES = tuple(512 << n for n in range(8))  # 512 .. 65536, the sizes SQLite allows
SHM_DMS_BYTE = 128
"""SQLite's "dead man switch" byte in the ``-shm`` file (unix and win32 VFS alike): every connection that has
the log's shared-memory index mapped holds a shared lock on it."""
_MASK = 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class WalReport:
    """What :func:`scan` found in one ``-wal`` file.

    Attributes:
        frames: whole frames in the file (whatever their generation).
        replayed_frames: frames SQLite will replay (up to the last commit before the first bad frame).
        bad_frame: the first frame SQLite rejects (1-based; 0 is the header), or None when none is.
        lost_commits: committed transactions after the bad frame that SQLite would silently drop.
    """

    frames: int
    replayed_frames: int
    bad_frame: int | None
    lost_commits: int

    @property
    def damaged(self) -> bool:
        return self.lost_commits > 0

    def describe(self, name: str) -> str:
        """One sentence for the user (no content, only counts)."""
        where = "its header" if self.bad_frame == 0 else f"frame {self.bad_frame}"
        return (
            f"The journal's write-ahead log {name} is damaged at {where}: {self.lost_commits} saved change(s) after "
            "it cannot be read"
        )


@dataclass(frozen=True, slots=True)
class _Frame:
    page: int
    commit: int
    salts: tuple[int, int]
    stored: tuple[int, int]
    offset: int  # of the frame header in the file


def checksum(data: bytes, seed: tuple[int, int], *, big_endian: bool) -> tuple[int, int]:
    """SQLite's WAL checksum (``walChecksumBytes``) of ``data`` (a multiple of 8 bytes), continuing ``seed``."""
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    s1, s2 = seed
    pairs = iter(words)
    for x0, x1 in zip(pairs, pairs, strict=True):
        s1 = (s1 + x0 + s2) & _MASK
        s2 = (s2 + x1 + s1) & _MASK
    return s1, s2


class _Log:
    """The bytes of one log read as frames of ``page_size`` with one checksum byte order."""

    def __init__(self, data: bytes, page_size: int, big_endian: bool) -> None:
        self.data = data
        self.page_size = page_size
        self.big = big_endian
        self.frame_bytes = FRAME_HEADER_BYTES + page_size
        self.count = max(0, (len(data) - HEADER_BYTES) // self.frame_bytes)

    def frame(self, index: int) -> _Frame:
        offset = HEADER_BYTES + index * self.frame_bytes
        page, commit, salt1, salt2, c1, c2 = struct.unpack_from(">6I", self.data, offset)
        return _Frame(page, commit, (salt1, salt2), (c1, c2), offset)

    def page_bytes(self, frame: _Frame) -> bytes:
        start = frame.offset + FRAME_HEADER_BYTES
        return self.data[start : start + self.page_size]

    def computed(self, frame: _Frame, seed: tuple[int, int]) -> tuple[int, int]:
        """The cumulative checksum ``frame`` should carry after ``seed``: its first 8 header bytes, then the page."""
        head = self.data[frame.offset : frame.offset + 8]
        return checksum(self.page_bytes(frame), checksum(head, seed, big_endian=self.big), big_endian=self.big)

    def links(self, frame: _Frame, seed: tuple[int, int], salts: tuple[int, int]) -> bool:
        return frame.salts == salts and self.computed(frame, seed) == frame.stored


def scan(wal: Path, database: Path) -> WalReport | None:
    """Check the log ``wal`` of ``database`` the way SQLite's recovery reads it; None when there is no log.

    Only for a log nobody is writing (see :func:`in_use_elsewhere`). Reads, never writes.

    Raises:
        OSError: the log or the database could not be read.
    """
    try:
        data = wal.read_bytes()
    except FileNotFoundError:
        return None
    if len(data) < HEADER_BYTES:
        return WalReport(0, 0, None, 0)  # SQLite ignores (and rewrites) a log without a whole header
    magic, version, size_field, _seq, salt1, salt2, c1, c2 = struct.unpack_from(">8I", data, 0)
    page_size = 65536 if size_field == 1 else size_field
    header_ok = (
        magic in (MAGIC_LITTLE, MAGIC_BIG)
        and version == WAL_VERSION
        and page_size in PAGE_SIZES
        and checksum(data[:24], (0, 0), big_endian=magic == MAGIC_BIG) == (c1, c2)
    )
    if header_ok:
        layout = _Log(data, page_size, magic == MAGIC_BIG)
        return _scan_frames(layout, (salt1, salt2), (c1, c2), database)
    # SQLite ignores a log whose header fails: every frame in it is dropped. Damage only when frames of this
    # header's own generation follow (they chain from its checksum), whatever field the damage hit.
    for big in (magic == MAGIC_BIG, magic != MAGIC_BIG):
        sizes = (page_size, *(s for s in PAGE_SIZES if s != page_size)) if page_size in PAGE_SIZES else PAGE_SIZES
        for size in sizes:
            layout = _Log(data, size, big)
            if layout.count == 0:
                continue
            first = layout.frame(0)
            for seed in {(c1, c2), checksum(data[:24], (0, 0), big_endian=big)}:
                if layout.computed(first, seed) == first.stored:
                    chain = _chain_after(layout, 1, first.stored, first.salts)
                    return _report(layout, 0, [], [first, *chain], database, bad_frame=0, bad=None)
    return WalReport(0, 0, 0, 0)


def _scan_frames(layout: _Log, salts: tuple[int, int], seed: tuple[int, int], database: Path) -> WalReport:
    running = seed
    replayed = 0
    pending: list[_Frame] = []  # valid frames after the last valid commit
    for index in range(layout.count):
        frame = layout.frame(index)
        computed = layout.computed(frame, running)
        if frame.salts == salts and computed == frame.stored:
            running = frame.stored
            pending.append(frame)
            if frame.commit:
                replayed = index + 1
                pending = []
            continue
        # The first frame SQLite rejects. What chains on from it (from its stored checksum, or from the one
        # it should carry when the damage hit the checksum field itself) is the rest of the log as written.
        chain: list[_Frame] = []
        for after in (frame.stored, computed):
            chain = _chain_after(layout, index + 1, after, salts)
            if chain:
                break
        return _report(layout, replayed, pending, [frame, *chain], database, bad_frame=index + 1, bad=frame)
    return WalReport(layout.count, replayed, None, 0)


def _chain_after(layout: _Log, start: int, seed: tuple[int, int], salts: tuple[int, int]) -> list[_Frame]:
    chain: list[_Frame] = []
    for index in range(start, layout.count):
        frame = layout.frame(index)
        if not layout.links(frame, seed, salts):
            break
        chain.append(frame)
        seed = frame.stored
    return chain


def _report(
    layout: _Log,
    replayed: int,
    pending: list[_Frame],
    tail: list[_Frame],
    database: Path,
    *,
    bad_frame: int,
    bad: _Frame | None,
) -> WalReport:
    """Decide whether ``tail`` (the frames from the bad one on, as chained) held commits SQLite will drop.

    A commit followed by more chained frames was synced before those were written (``synchronous=FULL``):
    it was on the disk whole, so the bad frame before it did not come from an interrupted write.
    """
    commits = [i for i, frame in enumerate(tail) if frame.commit]
    if not commits or commits[0] == len(tail) - 1:
        return WalReport(layout.count, replayed, bad_frame, 0)
    lost = pending + tail[: commits[-1] + 1]
    if _already_in_database(layout, replayed, lost, bad, database):
        log.info("write-ahead log: the frames after a bad frame are already in the database file")
        return WalReport(layout.count, replayed, bad_frame, 0)
    return WalReport(layout.count, replayed, bad_frame, len(commits))


def _already_in_database(layout: _Log, replayed: int, lost: list[_Frame], bad: _Frame | None, database: Path) -> bool:
    """Whether every page the lost frames would have given reads the same without them (it was checkpointed
    before the log was damaged). The bad frame's page is left out unless a later frame replaces it: its bytes
    are the damaged ones. A checkpoint copies frames in order, so the frames after it being in the database
    means it is there too."""
    seen_by_sqlite: dict[int, bytes] = {}
    for index in range(replayed):
        frame = layout.frame(index)
        seen_by_sqlite[frame.page] = layout.page_bytes(frame)
    latest: dict[int, _Frame] = {}
    for frame in lost:
        latest[frame.page] = frame
    compared = 0
    with database.open("rb") as db:
        for page, frame in latest.items():
            if frame is bad:
                continue
            current = seen_by_sqlite.get(page)
            if current is None:
                db.seek((page - 1) * layout.page_size)
                current = db.read(layout.page_size)
            if current != layout.page_bytes(frame):
                return False
            compared += 1
    return compared > 0


# --- who else has it open, and the copy kept aside -------------------------------------------------------------


def in_use_elsewhere(paths: JournalPaths) -> bool:
    """Whether a connection (of any process) has the journal's log index mapped, so the log may be growing.

    Tried with a non-blocking exclusive lock on the ``-shm`` file's dead-man-switch byte, which every
    connection holds shared. The caller must make sure no connection of *this* process has the journal open:
    on POSIX, closing any descriptor of a file drops all of the process's locks on it, SQLite's included.
    When the probe itself fails, the answer is "in use" (the log is then not scanned: no false alarm).
    """
    try:
        fd = os.open(paths.shm, os.O_RDWR | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return False  # no index: no connection in WAL shared-memory mode
    except OSError:
        return True
    try:
        return not _try_lock_byte(fd, SHM_DMS_BYTE)
    finally:
        os.close(fd)


def _try_lock_byte(fd: int, offset: int) -> bool:
    """Take and release an exclusive lock on one byte; False when another holder has it."""
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, offset, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            os.lseek(fd, offset, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset, os.SEEK_SET)
            fcntl.lockf(fd, fcntl.LOCK_UN, 1, offset, os.SEEK_SET)
    except OSError:
        return False
    return True


def keep_damaged_copy(paths: JournalPaths, *, now: datetime | None = None) -> Path:
    """Copy the journal and its log (as they are: nothing is repaired) to ``journal.db.damaged-<time>`` (+
    ``-wal``), the names SQLite pairs, and return the copy's database path. A copy of the same log made
    earlier (a second attempt to open) is reused instead of piling up copies.

    Raises:
        OSError: the copy could not be written (it is then removed again).
    """
    wal_bytes = paths.wal.stat().st_size
    for earlier in sorted(paths.data_dir.glob(f"{paths.database.name}.damaged-*-wal")):
        if earlier.stat().st_size == wal_bytes and earlier.read_bytes() == paths.wal.read_bytes():
            return earlier.with_name(earlier.name[: -len("-wal")])
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = paths.data_dir / f"{paths.database.name}.damaged-{stamp}"
    counter = 2
    while target.exists() or target.with_name(target.name + "-wal").exists():
        target = paths.data_dir / f"{paths.database.name}.damaged-{stamp}-{counter}"
        counter += 1
    copies = [(paths.database, target), (paths.wal, target.with_name(target.name + "-wal"))]
    try:
        for source, dest in copies:
            fsutil.copy_closed_file(source, dest)  # a closed file: nobody has the journal open (checked first)
    except BaseException:
        for _, dest in copies:
            with contextlib.suppress(OSError):
                dest.unlink()
        raise
    return target
