"""The open journal database: one SQLAlchemy engine over SQLCipher connections, sessions, and its lifecycle.

Every connection comes from :func:`recipro_desktop.storage.driver.connect` (key, SQLCipher check, pragmas;
``quick_check`` on the first connection of the engine only). SQLAlchemy is told to use the ``sqlcipher3``
DB-API module, so driver errors are wrapped and can be translated into the journal's own errors.

Transactions follow SQLAlchemy's documented pysqlite recipe: the driver runs with ``isolation_level=None``
(it never emits ``BEGIN`` itself) and a ``begin`` event emits ``BEGIN`` (``BEGIN IMMEDIATE`` for write
sessions), so a session is exactly one SQLite transaction and DDL is transactional (RELIABILITY D1).

Threads: the GUI runs all database work on one background worker (not the thread that opened the
database), the CLI on its main thread. Connections are opened with ``check_same_thread=False`` and pooled
in a small :class:`QueuePool`, and a connection is only ever used by one session at a time.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import QueuePool

from recipro_desktop.core.errors import (
    ConflictError,
    DamagedJournalError,
    JournalError,
    NotFoundError,
    StorageFullError,
    StorageUnavailableError,
)
from recipro_desktop.paths import JournalPaths, ensure_private_dir
from recipro_desktop.storage import driver, migrate, wal

log = logging.getLogger(__name__)

CACHE_KIB = 16 * 1024
"""Page cache per connection. SQLCipher decrypts every page it reads into the cache, so a cache that holds the
hot index pages of a 200,000-item journal keeps timeline pages and searches from decrypting the same pages
again and again."""
BULK_CACHE_KIB = 256 * 1024
"""Page cache of a bulk-load transaction (``session(bulk=True)``), reset when the connection is returned. A
large transaction that overflows the cache spills dirty pages into the WAL and writes them again on every
later change: a 200,000-item import went from minutes to seconds with this. SQLite only allocates what the
transaction actually touches."""

FULL_BELOW_BYTES = 1024 * 1024
"""Below this much free space an I/O error while writing is reported as a full disk."""

POOL_SIZE = 2
"""Connections kept open: the worker's session plus one for a backup or integrity check running beside it."""
POOL_OVERFLOW = 3

CHECKPOINT_WAIT_MS = 200
"""How long a checkpoint waits for another program's readers before it copies what it can."""

_open_here: dict[Path, int] = {}
"""Journals this process has open (resolved path → open Database objects): their log is live in this process,
so it is neither scanned nor lock-probed at another open (I5)."""
_open_here_lock = threading.Lock()


class Database:
    """An open, unlocked journal database. Create with :meth:`create` or :meth:`open`; end with :meth:`close`.

    After a :class:`DamagedJournalError` the database closes itself and refuses every further session
    (RELIABILITY A8: writes stop at the first sign of corruption; the caller offers restore or quit).
    """

    def __init__(self, paths: JournalPaths, key: bytes, engine: Engine) -> None:
        self.paths = paths
        self._key = key
        self._engine = engine
        self._write_engine = engine.execution_options(recipro_begin="IMMEDIATE")
        self._closed = False
        self._damaged = False
        self._lock = threading.Lock()

    # --- lifecycle -----------------------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        paths: JournalPaths,
        key: bytes,
        *,
        extra_version_locations: Sequence[Path] = (),
    ) -> Database:
        """Create a new, empty journal file (0600, in a 0700 folder) with the current schema.

        Refuses to touch an existing file. If anything fails, the half-made file is removed again, so a
        failed creation never leaves something that later looks like a (damaged) journal.
        """
        ensure_private_dir(paths.data_dir)
        if paths.database.exists():
            raise StorageUnavailableError(f"A journal file already exists at {paths.database}; not overwriting it.")
        engine = _make_engine(paths.database, key, create=True)
        db = cls(paths, key, engine)
        try:
            migrate.upgrade(
                engine,
                paths=paths,
                key=key,
                now=datetime.now(UTC),
                extra_version_locations=extra_version_locations,
                backup=False,
            )
        except BaseException:
            db.close(checkpoint=False)
            for leftover in (paths.database, paths.wal, paths.shm):
                leftover.unlink(missing_ok=True)
            raise
        log.info("created journal database")
        db._register()
        return db

    @classmethod
    def open(
        cls,
        paths: JournalPaths,
        key: bytes,
        *,
        now: datetime | None = None,
        extra_version_locations: Sequence[Path] = (),
    ) -> Database:
        """Open an existing journal; migrate an older schema (backup first); refuse a newer one.

        Raises:
            StorageUnavailableError: no file, or the path is unusable.
            DamagedJournalError: not a database for this key, fails its quick check, or is not a journal.
            NewerVersionError: written by a newer Recipro (nothing was written, RELIABILITY D3).
            MigrationError: the upgrade failed and was rolled back; the message names the backup.
        """
        _refuse_damaged_log(paths)
        engine = _make_engine(paths.database, key, create=False, exclusive=_open_alone_on_full_disk(paths))
        db = cls(paths, key, engine)
        try:
            with engine.connect() as conn:
                state = migrate.read_state(conn)
            if state.revision is None and state.user_version <= migrate.SCHEMA_USER_VERSION:
                # No alembic_version: an interrupted creation or a foreign SQLCipher file. Never a silent
                # "empty journal" (RELIABILITY A5).
                raise DamagedJournalError(
                    f"The file {paths.database.name} is not a Recipro journal (its format record is missing)."
                )
            migrate.upgrade(
                engine,
                paths=paths,
                key=key,
                now=now or datetime.now(UTC),
                extra_version_locations=extra_version_locations,
            )
        except sa_exc.DBAPIError as exc:
            db.close(checkpoint=False)
            raise _full_at_open(driver.translate_error(exc.orig or exc, path=paths.database) or exc, paths) from exc
        except StorageUnavailableError as exc:
            db.close(checkpoint=False)
            full = _full_at_open(exc, paths)
            if full is exc:
                raise
            raise full from exc
        except BaseException:
            db.close(checkpoint=False)
            raise
        log.info("opened journal database")
        db._register()
        return db

    def checkpoint(self) -> bool:
        """Copy the write-ahead log into the database file and empty it (``wal_checkpoint(TRUNCATE)``).

        Keeps the hot log small (RELIABILITY I5): what sits only in the log is what a damaged log byte can take
        away. Called when the window has been idle a moment and at close. It waits at most
        :data:`CHECKPOINT_WAIT_MS` for another program's readers, then copies what it can (a reader holding
        an old snapshot keeps the log from being emptied, never from being checkpointed later).

        Returns:
            True when the log is now empty; False when a reader elsewhere kept it, or the checkpoint failed
            (logged; the log stays valid, nothing is lost).
        """
        try:
            with self.raw_connection() as conn:
                conn.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
                try:
                    busy, frames, _copied = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                finally:
                    conn.execute(f"PRAGMA busy_timeout = {driver.BUSY_TIMEOUT_MS}")
        except (JournalError, driver.dbapi().Error) as exc:
            log.warning("checkpoint failed (%s)", type(exc).__name__)
            return False
        return bool(busy == 0 and frames in (0, -1))

    def close(self, *, checkpoint: bool = True) -> None:
        """Checkpoint the log, then close every pooled connection; afterwards nothing holds the file (safe to
        restore over it).

        Sessions must have ended (they are context managers); a session still running on another thread
        keeps its connection until it ends, then the connection is closed instead of being pooled.
        """
        if checkpoint and not self._closed and not self._damaged:
            self.checkpoint()  # while another program has the journal open, SQLite's own close-checkpoint does not run
        with self._lock:
            was_closed, self._closed = self._closed, True
        self._engine.dispose()
        if not was_closed:
            self._unregister()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def damaged(self) -> bool:
        """True once a query met a damaged page; the database is closed and stays closed."""
        return self._damaged

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def schema_revision(self) -> str | None:
        """The Alembic revision of the open database."""
        with self._engine.connect() as conn:
            return migrate.read_state(conn).revision

    # --- work ------------------------------------------------------------------------------------------------

    @contextmanager
    def session(self, *, write: bool = False, bulk: bool = False) -> Iterator[Session]:
        """One transaction: commit on success, rollback on any error, driver errors translated.

        Args:
            write: begin with ``BEGIN IMMEDIATE`` (take the write lock first). Sessions that write should
                say so: a deferred transaction that reads then writes fails at once (``SQLITE_BUSY``) when
                another connection committed in between, instead of waiting for the lock.
            bulk: a large load (import, demo): the connection gets a big page cache for this transaction.

        Raises:
            StorageFullError, JournalBusyError, DamagedJournalError, StorageUnavailableError: driver errors.
            ConflictError: an optimistic version check failed (C4).
        """
        self._check_usable()
        session = Session(bind=self._write_engine if write else self._engine, expire_on_commit=False)
        try:
            if bulk:
                connection = session.connection()
                connection.info["recipro_bulk"] = True
                connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
            yield session
            session.commit()
        except BaseException as exc:
            _quiet_rollback(session)
            session.close()
            translated = self._translate(exc)
            if translated is not None and translated is not exc:
                raise translated from exc
            raise
        else:
            session.close()

    @contextmanager
    def connection(self, *, write: bool = False) -> Iterator[Connection]:
        """A Core connection in one transaction (bulk inserts, raw index queries); like :meth:`session`."""
        with self.session(write=write) as session:
            yield session.connection()

    @contextmanager
    def reading(self) -> Iterator[Any]:
        """A DB-API connection inside one read transaction: the lean path for hot read-only queries.

        The timeline, search and People list run here instead of in an ORM :meth:`session`: a page of 200
        rows is otherwise dominated by Session set-up and result wrapping. Errors are translated like
        :meth:`session`'s; the transaction is rolled back at the end (nothing to commit).
        """
        self._check_usable()
        pooled = self._engine.raw_connection()
        try:
            conn: Any = pooled.driver_connection
            try:
                conn.execute("BEGIN")
                try:
                    yield conn
                finally:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
            except BaseException as exc:
                translated = self._translate(exc)
                if translated is not None and translated is not exc:
                    raise translated from exc
                raise
        finally:
            pooled.close()

    @contextmanager
    def raw_connection(self) -> Iterator[Any]:
        """A checked-out DB-API (``sqlcipher3``) connection, for backups and integrity checks.

        It is outside any transaction when handed over (``isolation_level=None``); the caller must not leave
        a transaction open. It goes back to the pool afterwards.
        """
        self._check_usable()
        pooled = self._engine.raw_connection()
        try:
            conn = pooled.driver_connection
            try:
                yield conn
            except BaseException as exc:
                translated = self._translate(exc)
                if translated is not None and translated is not exc:
                    raise translated from exc
                raise
        finally:
            pooled.close()

    # --- internals -------------------------------------------------------------------------------------------

    def _register(self) -> None:
        with _open_here_lock:
            self._registered = _resolved(self.paths.database)
            _open_here[self._registered] = _open_here.get(self._registered, 0) + 1

    def _unregister(self) -> None:
        registered = getattr(self, "_registered", None)
        if registered is None:
            return
        with _open_here_lock:
            left = _open_here.get(registered, 0) - 1
            if left > 0:
                _open_here[registered] = left
            else:
                _open_here.pop(registered, None)

    def _check_usable(self) -> None:
        if self._damaged:
            raise DamagedJournalError(
                f"The journal file {self.paths.database.name} is damaged and was closed; restore a backup."
            )
        if self._closed:
            raise StorageUnavailableError("The journal is closed.")

    def _translate(self, exc: BaseException) -> BaseException | None:
        if isinstance(exc, JournalError):
            translated: BaseException | None = exc
        elif isinstance(exc, StaleDataError):
            translated = ConflictError("This item was changed elsewhere since you opened it; reload and retry.")
        elif isinstance(exc, sa_exc.IntegrityError):
            translated = _integrity_error(exc)
        elif isinstance(exc, sa_exc.DBAPIError):
            translated = driver.translate_error(exc.orig or exc, path=self.paths.database)
        elif isinstance(exc, driver.dbapi().Error):
            translated = driver.translate_error(exc, path=self.paths.database)
        else:
            translated = None
        if (
            isinstance(translated, StorageUnavailableError)
            and "disk i/o error" in str(exc).lower()
            and _no_space(self.paths.data_dir)
        ):
            translated = StorageFullError("The disk is full: nothing was saved. Free some space and try again.")
        if isinstance(translated, DamagedJournalError) and not self._damaged:
            log.error("damaged page met during a query; closing the journal")
            self._damaged = True
            self.close()
        return translated


def _no_space(data_dir: Path) -> bool:
    """Whether an I/O error is really "no space": SQLite reports a file-size limit (EFBIG) and some full
    filesystems as a bare ``disk I/O error`` (RELIABILITY A3), the same words as a volume that vanished (A11).
    A finite file-size limit or (almost) no free space decides it."""
    if _file_size_limited():
        return True
    return _volume_full(data_dir)


def _volume_full(data_dir: Path) -> bool:
    try:
        free = shutil.disk_usage(data_dir).free  # statvfs's f_bavail; GetDiskFreeSpaceEx on Windows
    except OSError:
        return False  # the folder itself is gone: unavailable, not full
    return free < FULL_BELOW_BYTES


def _open_alone_on_full_disk(paths: JournalPaths) -> bool:
    """On a full volume, open with ``locking_mode = EXCLUSIVE`` (RELIABILITY I7): the log's index then lives in
    the connection's memory, where a ``-shm`` file that cannot grow would make even a read fail with "disk I/O
    error". Only when nobody has the journal open (here or elsewhere): a running window already has a
    ``-shm`` file of full size, which a normal connection shares."""
    if not _volume_full(paths.data_dir):
        return False
    with _open_here_lock:
        if _resolved(paths.database) in _open_here:
            return False
    if wal.in_use_elsewhere(paths):
        return False
    log.info("the disk holding the journal is full: opening it for this process alone")
    return True


def _full_at_open(error: BaseException, paths: JournalPaths) -> BaseException:
    """An I/O error while opening on a full volume is the full disk's doing: say so (I7), not "disk I/O error"."""
    io_error = isinstance(error, StorageUnavailableError) and "disk i/o error" in str(error).lower()
    if io_error and _no_space(paths.data_dir):
        return StorageFullError(
            "The disk holding the journal is full, so it could not even be opened for reading. Free some space "
            "and try again."
        )
    return error


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _refuse_damaged_log(paths: JournalPaths) -> None:
    """Before SQLite's first connection replays a hot log: refuse a log whose damage would silently drop
    commits (RELIABILITY I5, treated as A7). The journal and its log are copied aside first, as they are;
    nothing is repaired. Skipped while a connection (here or elsewhere) has the log live: its index is then in
    use, and ``recipro check`` reports the log instead."""
    if not paths.wal.exists():
        return
    with _open_here_lock:
        if _resolved(paths.database) in _open_here:
            return
    if wal.in_use_elsewhere(paths):
        return
    try:
        report = wal.scan(paths.wal, paths.database)
    except OSError as exc:
        log.warning("could not read the write-ahead log to check it (%s)", type(exc).__name__)
        return
    if report is None or not report.damaged:
        return
    log.error("write-ahead log damaged at frame %s: %d commit(s) after it", report.bad_frame, report.lost_commits)
    try:
        kept = wal.keep_damaged_copy(paths)
    except OSError as exc:
        raise DamagedJournalError(
            f"{report.describe(paths.wal.name)}. A copy could not be kept aside "
            f"({exc.strerror or type(exc).__name__}), so the journal was not opened and nothing was changed. "
            "Restore a backup with `recipro restore FILE`."
        ) from None
    raise DamagedJournalError(
        f"{report.describe(paths.wal.name)}. The journal was not opened and nothing was changed; a copy of it and "
        f"its log was kept as {kept.name}. Restore a backup with `recipro restore FILE`."
    )


def _file_size_limited() -> bool:
    """Whether this process runs under a finite file-size limit (``RLIMIT_FSIZE``, POSIX only).

    ``resource`` does not exist on Windows, which has no per-process file-size limit: imported here, not at
    module level, so the storage layer imports there.
    """
    try:
        import resource
    except ImportError:  # Windows
        return False
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    return soft != resource.RLIM_INFINITY


def _integrity_error(exc: sa_exc.IntegrityError) -> JournalError:
    text = str(exc.orig).lower()
    if "foreign key" in text:
        return NotFoundError("The change refers to something that no longer exists; reload and retry.")
    if "unique" in text or "primary key" in text:
        return ConflictError("An item with the same identity already exists.")
    return ConflictError("The change breaks a rule of the journal and was not saved.")


def _quiet_rollback(session: Session) -> None:
    try:
        session.rollback()
    except Exception:  # the connection may be gone (I/O error); the transaction is then void anyway
        log.warning("rollback after a failed transaction also failed", exc_info=False)


def _make_engine(path: Path, key: bytes, *, create: bool, exclusive: bool = False) -> Engine:
    """An engine whose connections come from :func:`driver.connect` (quick_check on the first only; all of them
    in exclusive locking mode on a full disk, see :func:`_open_alone_on_full_disk`)."""
    first = [True]
    first_lock = threading.Lock()

    def creator() -> Any:
        with first_lock:
            quick_check = first[0]
            conn = driver.connect(
                path, key, create=create and quick_check, quick_check=quick_check, exclusive=exclusive
            )
            first[0] = False
        return conn

    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        creator=creator,
        module=driver.dbapi(),
        poolclass=QueuePool,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_timeout=30,
        # A driver error that reaches a log or a crash dialog must not carry the statement's parameters:
        # they are note text and names (RELIABILITY G1, G2).
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None  # driver.connect sets it already; keep the recipe explicit
        dbapi_connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, connection_record: Any) -> None:
        if dbapi_connection is not None and connection_record.info.pop("recipro_bulk", False):
            dbapi_connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")  # frees the bulk cache

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("recipro_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
