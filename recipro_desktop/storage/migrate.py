"""Schema migrations: decide, back up, upgrade in one transaction, or refuse.

The rules (RELIABILITY D1–D4):

- The schema version is Alembic's ``alembic_version`` row, doubled by ``PRAGMA user_version`` (a number each
  revision sets) so that a file from a newer Recipro is recognised even by a reader that cannot see the row.
- current == head → nothing is written.
- current is a revision this app does not know, or ``user_version`` is higher than it knows → the journal
  was written by a newer Recipro: :class:`NewerVersionError` **before any write**, never a downgrade.
- current is behind → an encrypted, verified backup is made first (helper :mod:`storage.backup`), then every
  pending revision runs in **one** transaction: a failure rolls everything back (SQLite DDL is transactional
  because we emit ``BEGIN`` ourselves, see :mod:`database`) and raises :class:`MigrationError` naming the
  backup; a kill -9 leaves the old schema (D2).
- Foreign keys are switched **off** around the migration transaction (``PRAGMA foreign_keys`` is a no-op
  inside one) so that a batch "move and copy" of a parent table never cascades into its children, and
  ``PRAGMA foreign_key_check`` must come back empty before the commit (D4).

Migrations never need ``alembic.ini``: the script location is this package, and ``env.py`` runs on the
connection handed over in ``config.attributes["connection"]``. Tests add their own revisions through
``extra_version_locations`` (a revision there sets ``down_revision = package_head()``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util import CommandError
from sqlalchemy import Connection, Engine

from recipro_desktop.core.errors import JournalError, MigrationError, NewerVersionError
from recipro_desktop.paths import JournalPaths

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSIONS_DIR = MIGRATIONS_DIR / "versions"

SCHEMA_USER_VERSION = 1
"""The highest ``PRAGMA user_version`` this app's revisions write. Each new revision that changes the schema
bumps it (``op.execute("PRAGMA user_version = N")``) and this constant with it."""

NEWER_VERSION_MESSAGE = (
    "This journal was created by a newer version of Recipro. Update Recipro to open it; it was left untouched."
)


@dataclass(frozen=True, slots=True)
class SchemaState:
    """What a database says about its schema (read without writing)."""

    revision: str | None  # None: no alembic_version table (an empty or foreign database)
    user_version: int
    has_tables: bool


@dataclass(frozen=True, slots=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None


def script_directory(extra_version_locations: Sequence[Path] = ()) -> ScriptDirectory:
    """The migration scripts of this package, plus any extra version folders (tests only)."""
    locations = [str(VERSIONS_DIR), *(str(p) for p in extra_version_locations)]
    return ScriptDirectory(str(MIGRATIONS_DIR), version_locations=locations)


def package_head() -> str:
    """The head revision of the app's own migrations (test-only revisions build on it)."""
    head = script_directory().get_current_head()
    if head is None:  # pragma: no cover - the package always ships 0001
        raise RuntimeError("no migration scripts found")
    return head


def read_state(conn: Connection) -> SchemaState:
    """Read the schema revision and ``user_version`` (a read transaction, rolled back: nothing written)."""
    has_version_table = (
        conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").first()
        is not None
    )
    revision: str | None = None
    if has_version_table:
        rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        if len(rows) > 1:
            # Several rows mean branches this app never makes: only a newer (or foreign) app writes that.
            raise NewerVersionError(NEWER_VERSION_MESSAGE)
        revision = rows[0][0] if rows else None
    user_version = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
    has_tables = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type = 'table'").scalar_one() > 0
    conn.rollback()
    return SchemaState(revision=revision, user_version=user_version, has_tables=has_tables)


def check_not_newer(state: SchemaState, script: ScriptDirectory) -> None:
    """Raise :class:`NewerVersionError` when the database is ahead of this app (RELIABILITY D3)."""
    if state.user_version > SCHEMA_USER_VERSION:
        log.error("schema user_version %d is newer than %d", state.user_version, SCHEMA_USER_VERSION)
        raise NewerVersionError(NEWER_VERSION_MESSAGE)
    if state.revision is None:
        return
    try:
        known = script.get_revision(state.revision)
    except (CommandError, ResolutionError):
        known = None
    if known is None:
        log.error("schema revision %s is unknown to this version", state.revision)
        raise NewerVersionError(NEWER_VERSION_MESSAGE)


def upgrade(
    engine: Engine,
    *,
    paths: JournalPaths,
    key: bytes,
    now: datetime,
    extra_version_locations: Sequence[Path] = (),
    backup: bool = True,
) -> UpgradeResult | None:
    """Bring the schema to head; None when it already was.

    Args:
        engine: the journal's engine (connections come from :func:`driver.connect`).
        paths, key: where and how to write the pre-migration backup.
        now: the backup's timestamp (an injected clock, so tests are deterministic).
        extra_version_locations: more revision folders (test-only revisions).
        backup: False only when creating a new, empty journal (there is nothing to back up).

    Raises:
        NewerVersionError: the database is from a newer app (nothing written).
        MigrationError: a revision failed; everything was rolled back and the backup is named.
    """
    script = script_directory(extra_version_locations)
    head = script.get_current_head()
    if head is None:  # pragma: no cover
        raise MigrationError("No schema migrations are installed: the installation is incomplete.")
    with engine.connect() as conn:
        state = read_state(conn)
        check_not_newer(state, script)
        if state.revision == head:
            return None
        backup_path: Path | None = None
        if backup and state.has_tables:
            backup_path = _backup_before(conn, paths, key, reason=backup_reason(head), now=now)
        log.info("migrating schema from %s to %s", state.revision, head)
        raw = conn.connection.driver_connection
        assert raw is not None
        # Outside any transaction, or the pragma is silently ignored (D4).
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            conn.execution_options(recipro_begin="IMMEDIATE")
            try:
                with conn.begin():
                    _run_alembic(conn, script, head)
                    problems = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if problems:
                        log.error("foreign_key_check found %d problem rows after migrating", len(problems))
                        raise MigrationError(_failure_message(backup_path, "it left broken references"))
            except MigrationError:
                raise
            except JournalError as exc:
                log.error("migration to %s failed: %s", head, type(exc).__name__)
                raise MigrationError(_failure_message(backup_path, str(exc))) from exc
            except Exception as exc:
                log.error("migration to %s failed: %s", head, type(exc).__name__)
                raise MigrationError(_failure_message(backup_path, type(exc).__name__)) from exc
        finally:
            try:
                raw.execute("PRAGMA foreign_keys = ON")
            except Exception:
                # A connection whose foreign keys cannot be switched back on must never be reused.
                conn.invalidate()
                raise
    log.info("schema migrated to %s", head)
    return UpgradeResult(from_revision=state.revision, to_revision=head, backup=backup_path)


def backup_reason(revision: str) -> str:
    """The slug naming a pre-migration backup: ``pre-<revision>`` (lowercase letters, digits and dashes)."""
    return "pre-" + re.sub(r"[^a-z0-9]+", "-", revision.lower()).strip("-")[:35]


def _failure_message(backup_path: Path | None, why: str) -> str:
    where = f" A backup made just before is at {backup_path}." if backup_path is not None else ""
    return f"Updating the journal's format failed ({why}); the journal was left unchanged.{where}"


def _run_alembic(conn: Connection, script: ScriptDirectory, head: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = conn

    def do_upgrade(rev: Any, context: Any) -> Any:
        return script._upgrade_revs(head, rev)

    with EnvironmentContext(config, script, fn=do_upgrade, destination_rev=head):
        script.run_env()


def _backup_before(conn: Connection, paths: JournalPaths, key: bytes, *, reason: str, now: datetime) -> Path:
    """Make and verify the pre-migration backup (helper A's :func:`storage.backup.create_backup`)."""
    from recipro_desktop.storage import backup as backup_module

    raw = conn.connection.driver_connection
    try:
        result: Any = backup_module.create_backup(raw, paths, key, reason=reason, now=now)
    except JournalError as exc:
        raise MigrationError(
            f"The journal's format needs an update, but the backup made first failed ({exc}); nothing was changed."
        ) from exc
    path = getattr(result, "path", result)
    return Path(path)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Schema comparison ignores the FTS5 virtual tables and their shadow tables (not describable in ORM)."""
    from recipro_desktop.storage.tables import FTS_TABLES

    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLES))
