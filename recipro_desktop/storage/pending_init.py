"""Making a new journal all-or-nothing: a marker that says "this folder's journal is still being created" (I6).

Creating a journal writes several things one after the other: a keyring entry, the key-slot file, the database
(with its ``-wal``/``-shm``). A ``kill -9`` (or a power cut) in between used to leave a folder that was neither
empty nor a journal (key slots without a database, a database without its schema), which ``init`` then refused
and ``open`` called damaged. Now:

1. before anything else, :func:`begin` writes ``journal.init-pending`` (atomically) naming the new journal's id;
2. the key slots (carrying that id), the keyring entry and the database are made;
3. :func:`finish` removes the marker: that unlink is the commit point.

While the marker is there and the key-slot file is absent or carries the marker's id,
:func:`vault.journal_state` reports the folder as NEW (no journal): nothing opens it, nothing writes to it, and
the next ``init`` calls :func:`discard` (under the exclusive journal lock, so never under a running ``init``)
to delete exactly those leftovers, the keyring entry of that id included, and starts over. A key-slot file with
another id is never ours: a stale marker beside a real journal is ignored and the journal left alone.
"""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path

from recipro_desktop.core.errors import KeySlotError, NewerVersionError, StorageUnavailableError
from recipro_desktop.paths import JournalPaths
from recipro_desktop.storage import fsutil, keyslots, keystore

log = logging.getLogger(__name__)

MARKER_NAME = "journal.init-pending"
_MAX_MARKER_BYTES = 4096


def marker_path(paths: JournalPaths) -> Path:
    return paths.data_dir / MARKER_NAME


def pending_id(paths: JournalPaths) -> str | None:
    """The journal id an unfinished ``init`` was creating here, or None (no marker, or not one of ours)."""
    marker = marker_path(paths)
    try:
        if not marker.is_file() or marker.stat().st_size > _MAX_MARKER_BYTES:
            return None
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    journal_id = data.get("journal_id") if isinstance(data, dict) else None
    return journal_id if isinstance(journal_id, str) and journal_id else None


def owns_leftovers(paths: JournalPaths) -> bool:
    """True when the folder holds what an unfinished ``init`` left, and only that (see the module docstring)."""
    journal_id = pending_id(paths)
    if journal_id is None:
        return False
    slots = paths.keyslots
    if not (slots.exists() or slots.is_symlink()):
        return True
    try:
        return keyslots.read(slots).journal_id == journal_id
    except (KeySlotError, NewerVersionError):
        return False


def begin(paths: JournalPaths, journal_id: str) -> None:
    """Record that the journal ``journal_id`` is being created here (before its first file or keyring entry)."""
    try:
        fsutil.atomic_write_bytes(marker_path(paths), json.dumps({"journal_id": journal_id}).encode("utf-8"))
    except OSError as exc:
        raise StorageUnavailableError(
            f"The journal folder could not be written ({exc.strerror or type(exc).__name__}): {paths.data_dir}"
        ) from None


def finish(paths: JournalPaths) -> None:
    """The commit point: the journal is complete, the marker goes (durably)."""
    marker_path(paths).unlink(missing_ok=True)
    fsutil.fsync_dir(paths.data_dir)


def discard(paths: JournalPaths) -> None:
    """Delete what an unfinished ``init`` left (database, its sidecars, key slots, keyring entry), then the marker.

    Call only under the exclusive journal lock and when :func:`owns_leftovers` said yes.
    """
    journal_id = pending_id(paths)
    if journal_id is not None:
        keystore.delete_secret(journal_id)  # absent or failing: nothing to do (an unknown id confuses nobody)
    for leftover in (paths.database, paths.wal, paths.shm, paths.keyslots):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    fsutil.remove_stale_temp_files(paths.keyslots)
    fsutil.remove_stale_temp_files(marker_path(paths))
    fsutil.fsync_dir(paths.data_dir)
    finish(paths)
    log.info("cleared the leftovers of an interrupted journal creation")
