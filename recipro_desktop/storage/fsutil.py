"""Durable, private file operations for the files that are *not* a live database.

Everything that replaces a file the user depends on (the key-slot file, a restored database, an export)
goes through :func:`atomic_write_bytes` or :func:`copy_closed_file`: a temporary file in the same
directory, ``fsync``, ``os.replace``, ``fsync`` of the directory. A failure at any step leaves the original
byte-identical and removes the temporary file (RELIABILITY A4, B10). These helpers are also the only
places allowed to read or write a database file's bytes, and only when no connection holds it open (the
static guard of A13 checks this): POSIX drops every lock a process holds on a file as soon as *any* of its
descriptors for that file is closed, so opening a live database "just to read it" can corrupt it.

:func:`filesystem_type` and :func:`is_network_or_sync_fs` let setup warn when the journal would live on a
network or synced folder, where SQLite's locking and WAL are unreliable (A12).
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

TEMP_SUFFIX = ".tmp"
COPY_CHUNK = 1 << 20
MOUNTINFO = Path("/proc/self/mountinfo")

# Fault-injection hook for tests (RELIABILITY A4, B10): called with a step name ("begin", "half-written",
# "temp-written", "replaced") so a child process can SIGKILL itself at an exact point of a write.
# None in production.
crash_point: Callable[[str], None] | None = None

NETWORK_FS_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "afs",
        "ncpfs",
        "coda",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "ocfs2",
        "gfs2",
        "9p",
        "virtiofs",
        "davfs",
        "vboxsf",
        "vmhgfs",
        "prl_fs",
        "sshfs",
        "fuse",
        "fuseblk",
    }
)
# Folders kept in sync by a client that copies files behind SQLite's back (no locking): warn there too.
SYNC_FOLDER_NAMES = frozenset(
    {
        "dropbox",
        "onedrive",
        "google drive",
        "googledrive",
        "icloud drive",
        "icloud",
        "nextcloud",
        "owncloud",
        "megasync",
        "pcloud drive",
        "box sync",
        "syncthing",
        "tresorit",
        "seafile",
    }
)
# FUSE filesystems that are local in practice (no warning): overlays, archives, app images, local crypto.
LOCAL_FUSE_TYPES = frozenset(
    {
        "fuse.gocryptfs",
        "fuse.encfs",
        "fuse.cryfs",
        "fuse.fuse-overlayfs",
        "fuse.lxcfs",
        "fuse.squashfuse",
        "fuse.appimage",
        "fuse.bindfs",
        "fuse.mergerfs",
    }
)


# POSIX file modes are how Recipro keeps its files private on Linux and macOS (folder 0700, files 0600). Windows
# has no such modes: os.chmod only toggles the read-only flag there (and os.fchmod is missing before Python 3.13).
# A file on Windows takes its access rules (its ACL) from the folder it is created in, and the journal's folder,
# %LOCALAPPDATA%\recipro, lies inside the user's profile, whose ACL lets in only the user, SYSTEM and the
# Administrators group. So on Windows the location is the protection: modes are not set, `recipro check` reports
# whether the journal is inside the profile (private_location_problem), and a journal moved elsewhere (another
# drive, a shared folder) gets a warning instead of a false "0600".
POSIX_MODES = os.name == "posix"


def set_private_mode(fd: int, mode: int = 0o600) -> None:
    """Give the freshly created file behind ``fd`` the permission bits ``mode`` (POSIX; see POSIX_MODES)."""
    if POSIX_MODES:
        os.fchmod(fd, mode)


def private_location_problem(folder: Path) -> str | None:
    """Windows: a sentence when ``folder`` is outside the user's profile (its ACL may let other users in).

    None on POSIX (the modes are checked there) and for a folder inside the profile.
    """
    if POSIX_MODES:
        return None
    profile = os.environ.get("USERPROFILE")
    if not profile:
        return "the user profile folder is unknown (USERPROFILE is not set), so its privacy cannot be checked"
    try:
        inside = folder.resolve().is_relative_to(Path(profile).resolve())
    except OSError:
        inside = False
    if inside:
        return None
    return (
        "it is outside your user profile, so other users of this computer may be able to read it; "
        "keep the journal under your profile (the default, %LOCALAPPDATA%\\recipro)"
    )


def _step(name: str) -> None:
    if crash_point is not None:
        crash_point(name)


def fsync_dir(directory: Path) -> None:
    """Flush a directory entry change (create, rename, unlink) to disk; a no-op where unsupported."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - Windows cannot open directories; rename is durable there anyway
        return
    try:
        os.fsync(fd)
    except OSError as exc:  # some filesystems (e.g. certain FUSE mounts) reject a directory fsync
        log.debug("directory fsync not supported (%s)", type(exc).__name__)
    finally:
        os.close(fd)


def _temp_path(path: Path) -> tuple[int, Path]:
    """Create ``.<name>.<random>.tmp`` beside ``path`` with mode 0600 and return (fd, temp path)."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    return fd, Path(name)


def stale_temp_files(path: Path) -> list[Path]:
    """Temporary files :func:`atomic_write_bytes` may have left beside ``path`` when a process was killed."""
    if not path.parent.is_dir():
        return []
    prefix = f".{path.name}."
    return sorted(p for p in path.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(TEMP_SUFFIX))


def remove_stale_temp_files(path: Path) -> int:
    """Delete leftovers of interrupted writes of ``path`` (they may hold an outdated key slot). Returns a count."""
    removed = 0
    for stale in stale_temp_files(path):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
            removed += 1
    if removed:
        log.info("removed %d stale temporary file(s) of an interrupted write", removed)
    return removed


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


REPLACE_PATIENCE_SECONDS = 2.0
"""How long :func:`replace` waits on Windows for another program to let go of a file."""


def replace(source: Path, dest: Path) -> None:
    """``os.replace(source, dest)``, patient where the platform is strict.

    POSIX replaces a file whatever handles other processes hold on it. Windows refuses (access denied, or a
    sharing violation) while another handle opened without ``FILE_SHARE_DELETE`` holds the destination or the
    source: an antivirus or the search indexer scanning a file just written, a backup or sync tool, a text
    editor. Such holds are usually brief, so on Windows a refusal is retried for up to
    :data:`REPLACE_PATIENCE_SECONDS`, then raised; nothing has changed at either path then. On POSIX a
    ``PermissionError`` is a real permission problem and is raised at once.

    Raises:
        OSError: the replace failed; both files are as they were.
    """
    deadline = time.monotonic() + (REPLACE_PATIENCE_SECONDS if os.name == "nt" else 0.0)
    pause = 0.01
    while True:
        try:
            os.replace(source, dest)
            return
        except PermissionError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` atomically and durably, creating it with ``mode``.

    Either the old content or the new content is at ``path`` afterwards, whatever happens (disk full,
    ``EFBIG``, a failing ``fsync``/``os.replace``, a kill at any point); on an exception the temporary file
    is removed and the original is byte-identical (RELIABILITY A4).

    Raises:
        OSError: the write failed; nothing changed at ``path``.
    """
    _step("begin")
    fd, temp = _temp_path(path)
    try:
        try:
            set_private_mode(fd, mode)
            half = len(data) // 2
            _write_all(fd, data[:half])
            _step("half-written")
            _write_all(fd, data[half:])
            os.fsync(fd)
        finally:
            os.close(fd)
        _step("temp-written")
        replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _step("replaced")
    fsync_dir(path.parent)


def copy_closed_file(source: Path, dest: Path, mode: int = 0o600) -> None:
    """Copy a *closed* file (a verified backup) over ``dest`` atomically: temp + fsync + replace + dir fsync.

    Only for files no connection holds open (a backup being restored); never for the live journal (A13).

    Raises:
        OSError: reading or writing failed; ``dest`` is unchanged and no temporary file is left.
    """
    fd, temp = _temp_path(dest)
    try:
        try:
            set_private_mode(fd, mode)
            with source.open("rb") as src:  # A13: a closed backup file, never a live database
                while chunk := src.read(COPY_CHUNK):
                    _write_all(fd, chunk)
            os.fsync(fd)
        finally:
            os.close(fd)
        _step("temp-written")
        replace(temp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _step("replaced")
    fsync_dir(dest.parent)


def file_mode(path: Path) -> int:
    """The permission bits of ``path`` (e.g. ``0o600``)."""
    return stat.S_IMODE(path.stat().st_mode)


def _unescape_mount_field(field: str) -> str:
    """Undo the octal escapes (``\\040`` for a space...) that mountinfo uses in paths."""
    out: list[str] = []
    i = 0
    while i < len(field):
        if field[i] == "\\" and i + 3 < len(field) and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def _parse_mountinfo(text: str) -> list[tuple[str, str]]:
    """(mount point, filesystem type) pairs from the text of ``/proc/self/mountinfo``."""
    mounts: list[tuple[str, str]] = []
    for line in text.splitlines():
        fields = line.split()
        if "-" not in fields:
            continue
        sep = fields.index("-")
        if sep < 5 or sep + 1 >= len(fields):
            continue
        mounts.append((_unescape_mount_field(fields[4]), fields[sep + 1]))
    return mounts


def _existing_ancestor(path: Path) -> Path:
    path = path.expanduser().absolute()
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate.resolve()
    return Path(path.anchor or "/")


def filesystem_type(path: Path) -> str:
    """The type of the filesystem holding ``path`` (or its nearest existing parent), e.g. ``ext4``, ``nfs4``.

    Linux only (from ``/proc/self/mountinfo``, the longest matching mount point wins); ``"unknown"``
    elsewhere or when the table cannot be read.
    """
    try:
        text = MOUNTINFO.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "unknown"
    target = _existing_ancestor(path)
    best: tuple[int, str] | None = None
    for mount_point, fstype in _parse_mountinfo(text):
        mp = Path(mount_point)
        if target == mp or mp in target.parents:
            depth = len(mp.parts)
            if best is None or depth >= best[0]:  # later entries over-mount earlier ones at the same point
                best = (depth, fstype)
    return best[1] if best else "unknown"


def is_network_or_sync_fs(path: Path) -> bool:
    """True when ``path`` is on a network/FUSE filesystem or inside a cloud-sync folder (RELIABILITY A12).

    SQLite's file locking and WAL shared memory do not work reliably there: two machines (or a sync client)
    can write the file at once and corrupt it. Setup shows a warning and suggests a local folder.
    """
    fstype = filesystem_type(path).lower()
    if fstype in LOCAL_FUSE_TYPES:
        pass
    elif fstype in NETWORK_FS_TYPES or fstype.startswith(("fuse.", "nfs", "smb", "cifs")):
        return True
    parts = [part.casefold() for part in path.expanduser().absolute().parts]
    return any(part in SYNC_FOLDER_NAMES or part.startswith(("dropbox (", "onedrive - ")) for part in parts)
